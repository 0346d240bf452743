"""The monthly report as a PDF, rendered by WeasyPrint from the portal's own template.

WeasyPrint would fetch any URL a document names (http, file://, ...).  ``StaticOnlyFetcher``
loads only the portal's static files, read from disk through the staticfiles finders, and
refuses everything else, so a report can never pull in a remote resource or a local file.
"""

import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the template (``/static/...``) resolve against this origin; it is not a real
# host and nothing is ever requested from it.
BASE_URL = "https://portal.invalid/"
TEMPLATE = "reports/monthly_report.html"


class RefusedURL(ValueError):
    """The document named a URL outside the portal's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://portal.invalid/static/<path>`` from the static files; refuses any other
    URL (other hosts, other schemes, ``file://``, ``data:``, paths outside the static files).
    Nothing goes to the network, so there is no redirect to follow."""

    def __init__(self):
        super().__init__(allowed_protocols=["https"], allow_redirects=False, fail_on_errors=True)

    def fetch(self, url, headers=None):
        return static_response(url)


def static_response(url):
    parts = urlsplit(url)
    origin = urlsplit(BASE_URL)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if parts.scheme != origin.scheme or parts.netloc != origin.netloc or not parts.path.startswith(prefix):
        raise RefusedURL(f"refused URL: {url[:200]}")
    relative = unquote(parts.path[len(prefix) :])
    normalized = posixpath.normpath(relative)
    if not relative or normalized != relative or normalized.startswith(("../", "/")) or "\\" in relative:
        raise RefusedURL(f"refused static path: {relative[:200]}")
    # The source file, or (production) the hashed copy collectstatic made: {% static %} names it.
    path = finders.find(normalized)
    if not path and staticfiles_storage.exists(normalized):
        path = staticfiles_storage.path(normalized)
    if not path:
        raise RefusedURL(f"no such static file: {relative[:200]}")
    mime, _encoding = mimetypes.guess_type(normalized)
    with open(path, "rb") as handle:
        body = handle.read()
    return URLFetcherResponse(url, body, {"Content-Type": mime or "application/octet-stream"})


def render_html(context):
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(TEMPLATE, context)


def html_to_pdf(html):
    """WeasyPrint alone (the benchmark times this against the whole report)."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_pdf(context):
    return html_to_pdf(render_html(context))
