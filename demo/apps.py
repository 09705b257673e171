"""The demo cluster (郴州) and the HTTP stand-ins of WeChat and the push provider.

Installed by the dev and test settings only; production settings leave it out and no
production module imports it.
"""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "演示集群"
