import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenghua_portal.settings")
# Serving pages: the short database statement timeout applies (settings.py).
os.environ.setdefault("PORTAL_PROCESS", "web")
application = get_wsgi_application()
