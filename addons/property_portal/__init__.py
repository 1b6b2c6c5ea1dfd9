# This file is part of the property-management suite.
# The portal's pages are routes of trytond's WSGI application, registered
# when the module is imported (they answer 404 on a database without it).
from . import (  # noqa: F401
    routes, routes_billing, routes_community, routes_decoration)
