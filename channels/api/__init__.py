"""The app API at /api/v1/: read, sync, preview and write (信息报送), with its OpenAPI schema."""
