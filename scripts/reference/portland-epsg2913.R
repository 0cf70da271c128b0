# Reference for the Portland NIJ adapter's projection: NAD83(HARN) / Oregon North, international
# feet (EPSG:2913, the .prj shipped with the data) -> WGS84 longitude/latitude, computed by PROJ
# through sf. Points: the first 5 rows of each shipped file and the corners of their extent.
# Run: Rscript scripts/reference/portland-epsg2913.R
suppressMessages({ library(sf); library(jsonlite) })
dir <- "data/reference/portland-nij"
b <- read.csv(file.path(dir, "portland_cfs_burglary_2012-03_2017-02.csv"))
t <- read.csv(file.path(dir, "portland_cfs_theft_of_auto_2012-03_2017-02.csv"))
xy <- rbind(b[1:5, c("x_coordina", "y_coordina")], t[1:5, c("x_coordina", "y_coordina")],
            data.frame(x_coordina = c(min(b$x_coordina, t$x_coordina), max(b$x_coordina, t$x_coordina)),
                       y_coordina = c(min(b$y_coordina, t$y_coordina), max(b$y_coordina, t$y_coordina))))
prj <- paste(readLines(file.path(dir, "NIJ_StatePlane_Oregon_North_ftIntl.prj"), warn = FALSE), collapse = "")
pts <- st_as_sf(xy, coords = c("x_coordina", "y_coordina"), crs = st_crs(prj))
ll <- st_coordinates(st_transform(pts, 4326))
# the same points through the EPSG code, to show the .prj and EPSG:2913 agree
ll2 <- st_coordinates(st_transform(st_set_crs(st_as_sf(xy, coords = c("x_coordina", "y_coordina")), 2913), 4326))
# and to NAD83(HARN) geographic (EPSG:4152): the projection alone, without the datum shift
ll3 <- st_coordinates(st_transform(pts, 4152))
out <- list(
  source = "sf::st_transform (PROJ) from the shipped .prj to EPSG:4326 (PROJ picks NAD83(HARN) to WGS 84 (3), EPSG:1580) and to EPSG:4152",
  proj = sf_extSoftVersion()[["PROJ"]],
  points = lapply(seq_len(nrow(xy)), function(i) list(x = xy$x_coordina[i], y = xy$y_coordina[i], lon = ll[i, 1], lat = ll[i, 2],
                                                       lon_epsg2913 = ll2[i, 1], lat_epsg2913 = ll2[i, 2],
                                                       lon_nad83harn = ll3[i, 1], lat_nad83harn = ll3[i, 2])))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "packages/server/test/fixtures/reference/portland-epsg2913.json")
