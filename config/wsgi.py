import os

from django.core.wsgi import get_wsgi_application

# Unset means a server (config/__init__.py says why); `make run` asks for development.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
