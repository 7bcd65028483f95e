"""REST API of the configuration: thin viewsets over cashboxes.services, behind the gate."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from cashboxes import catalog


class CatalogView(APIView):
    """Countries, queue packages and signing options with their SCU packages and parameters."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(catalog.as_dict())
