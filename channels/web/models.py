"""Static publishing's record of which deliveries each published file already shows
(channels/web/coverage.py). Imported by channels/models.py so it belongs to the
portal_channels app."""

from django.db import models


class PublishedCoverage(models.Model):
    # The file's name hashed (sha1): names are decoded paths, too long for an index as they are.
    key = models.CharField(max_length=40, primary_key=True)
    name = models.TextField()
    # Runs [[first id, last id], ...] of the delivery rows visible before the render began.
    runs = models.JSONField(default=list)
    rendered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "静态文件覆盖记录"
        verbose_name_plural = verbose_name


class PublishedChrome(models.Model):
    """The chrome (channels/web/chrome.py) a site's published files were written with."""

    site = models.OneToOneField("wagtailcore.Site", on_delete=models.CASCADE, primary_key=True)
    fingerprint = models.CharField(max_length=64)
    noted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "静态文件站点外框记录"
        verbose_name_plural = verbose_name
