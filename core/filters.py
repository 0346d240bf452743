import django_filters

from .widgets import speed_up_selects


class PortalFilterSet(django_filters.FilterSet):
    """The FilterSet every list uses: its selects render fast (see widgets.FastSelect)."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            speed_up_selects(super().form)
        return self._form


def filtered(filter_class, request, base):
    """(filterset, queryset): ``base`` filtered by the list's GET parameters when they are
    valid, else ``base`` unfiltered."""
    filterset = filter_class(request.GET or None, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    return filterset, queryset
