# Reference for packages/server/src/forecast/shapefile-polygons.ts and study-area.ts:
# area of the 60 Portland police districts (sf, GEOS), number of records and rings, and which of
# a set of probe points fall inside (sf::st_intersects).
# Run: Rscript scripts/reference/forecast-study-area.R
# Writes packages/server/test/forecast/fixtures/forecast-study-area.json
suppressPackageStartupMessages({ library(sf); library(jsonlite) })
shp <- "data/reference/portland-nij/Portland_Police_Districts/Portland_Police_Districts.shp"
d <- st_read(shp, quiet = TRUE)
st_crs(d) <- NA  # work in the file's own feet, as the engine does
area <- sum(as.numeric(st_area(d)))
b <- st_bbox(d)
set.seed(20261127)
px <- runif(200, b["xmin"], b["xmax"]); py <- runif(200, b["ymin"], b["ymax"])
inside <- lengths(st_intersects(st_as_sf(data.frame(x = px, y = py), coords = c("x", "y")), st_union(d))) > 0
burg <- read.csv("data/reference/portland-nij/portland_cfs_burglary_2012-03_2017-02.csv")
bin <- lengths(st_intersects(st_as_sf(burg, coords = c("x_coordina", "y_coordina")), st_union(d))) > 0
out <- list(source = "scripts/reference/forecast-study-area.R (sf, GEOS)", records = nrow(d), areaSqFt = area,
            bbox = as.numeric(b), probes = list(x = px, y = py, inside = inside), burglaryInside = sum(bin), burglaryRows = nrow(burg))
write(toJSON(out, digits = NA, auto_unbox = TRUE), "packages/server/test/forecast/fixtures/forecast-study-area.json")
cat(nrow(d), area, sum(inside), sum(bin), "\n")
