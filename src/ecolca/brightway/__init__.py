"""ecolca's side of Brightway: the one place for its rough edges (bwcompat), the project
(project), the journaled database replace (swap), the bundled open database (background) and
the catalogue of activities and methods (catalog). No Qt."""
