# Reference values for engine/monitor/rules/watch-zone.ts:
#  - distance from points to a polyline: the minimum great-circle distance (geosphere::distHaversine,
#    sphere of 6371.0088 km) to the polyline densified to 20,000 points per segment along the straight
#    lon/lat segment (as GeoJSON is drawn on a web map; spacing under 5 m). Also given: the same to the
#    great-circle segment (gcIntermediate), to show how little the two differ. geosphere::dist2Line is
#    not used: it ignores distfun's radius and differed from both by up to 0.6% here.
#  - distance from points to a site (geosphere::distHaversine),
#  - point in polygon with a hole (sp::point.in.polygon, planar in lon/lat as GeoJSON is drawn).
# Run: Rscript scripts/reference/monitor-rules-watch-zones.R > packages/engine/test/fixtures/reference/monitor-rules-watch-zones.json
suppressPackageStartupMessages({ library(geosphere); library(sp); library(jsonlite) })
set.seed(20261127)
R <- 6371008.8
# N25 highway, Quetta - Mastung - Kalat (approximate vertices, lon/lat)
line <- rbind(c(66.99, 30.18), c(66.84, 29.80), c(66.59, 29.03))
pts <- cbind(runif(200, 66.3, 67.3), runif(200, 28.8, 30.4))
dense_linear <- do.call(rbind, lapply(2:nrow(line), function(k) {
  t <- seq(0, 1, length.out = 20000)
  cbind(line[k - 1, 1] + t * (line[k, 1] - line[k - 1, 1]), line[k - 1, 2] + t * (line[k, 2] - line[k - 1, 2]))
}))
dense_gc <- do.call(rbind, lapply(2:nrow(line), function(k) gcIntermediate(line[k - 1, ], line[k, ], n = 20000, addStartEnd = TRUE)))
d_line <- apply(pts, 1, function(p) min(distHaversine(p, dense_linear, r = R))) / 1000
d_line_gc <- apply(pts, 1, function(p) min(distHaversine(p, dense_gc, r = R))) / 1000
site <- c(67.0, 30.2)  # Quetta cantonment (approximate)
d_site <- distHaversine(pts, site, r = R) / 1000
outer <- rbind(c(66.5, 29.0), c(67.5, 29.0), c(67.5, 30.0), c(66.5, 30.0), c(66.5, 29.0))
hole <- rbind(c(66.8, 29.3), c(67.2, 29.3), c(67.2, 29.7), c(66.8, 29.7), c(66.8, 29.3))
in_outer <- point.in.polygon(pts[, 1], pts[, 2], outer[, 1], outer[, 2])
in_hole <- point.in.polygon(pts[, 1], pts[, 2], hole[, 1], hole[, 2])
# inside = in (or on) the outer ring and not strictly inside the hole
inside <- (in_outer > 0) & !(in_hole == 1)
cat(toJSON(list(
  software = paste("R", getRversion(), "geosphere", packageVersion("geosphere"), "sp", packageVersion("sp")),
  line = line, site = site, outer = outer, hole = hole, points = pts,
  distLineKm = d_line, distGreatCircleLineKm = d_line_gc, distSiteKm = d_site, insidePolygon = inside
), digits = NA, auto_unbox = TRUE))
