import os

from django.core.asgi import get_asgi_application

# Unset means a server (config/__init__.py says why); `make run` asks for development.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_asgi_application()
