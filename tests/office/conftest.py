"""The commune, the office and its package of tests/packages (one world per session)."""

from tests.packages import conftest as packages

world_files, world, office_db = packages.world_files, packages.world, packages.office_db
office_private, commune_db, quick = packages.office_private, packages.commune_db, packages.quick
