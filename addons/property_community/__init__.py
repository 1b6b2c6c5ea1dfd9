# This file is part of the property-management suite.
