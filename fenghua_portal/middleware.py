"""Security headers every response carries."""

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (own scripts and styles only) and, for anyone with a
    session (every signed-in user), ``Cache-Control: no-store``: their pages may show personal
    data and must not be kept by a shared browser or proxy.  It looks at the session cookie,
    not at the user: loading the user reads the database, which must not be needed to answer
    /healthz or the 500 page while the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        session = getattr(request, "session", None)
        is_static = request.path.startswith("/static/")
        if session is not None and session.session_key and not is_static:
            response["Cache-Control"] = "no-store"
        return response


class ChineseFirstMiddleware:
    """Chinese first: the browser's Accept-Language is not consulted, so a phone set to English
    still opens the portal in Chinese; English is one tap away (the language switch sets a
    cookie, which LocaleMiddleware honours)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
