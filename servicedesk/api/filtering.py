"""The API's filter backend: django-filter's, with one rule of the whole API. A query parameter
sent empty (`?status=`, as a form or a client that always sends every parameter leaves it) is
one not given, as the schema says (`allowEmptyValue`); django-filter would refuse an empty
choice ("Select a valid choice") or filter by the empty value."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        given = kwargs["data"].copy()
        for name in list(given):
            values = [value for value in given.getlist(name) if value != ""]
            if values:
                given.setlist(name, values)
            else:
                del given[name]
        kwargs["data"] = given
        return kwargs
