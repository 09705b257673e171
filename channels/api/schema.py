"""OpenAPI of the app API: only /api/v1/ is described (not Wagtail's API v2 or the admin's),
and the API key scheme of the write API."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


def only_app_api(endpoints):
    """drf-spectacular PREPROCESSING_HOOK: the app API's own endpoints."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "channels.api.write.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "网站的信息报送接口密钥（czk_…），由平台管理员签发：manage.py api_key issue",
        }
