from core.roles import Role, role_of


def portal(request):
    user = getattr(request, "user", None)
    return {"portal_role": role_of(user) if user is not None else Role.ANONYMOUS}
