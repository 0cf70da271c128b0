# Reference for packages/engine/src/monitor/rules/watch-zone-outline.ts: destination points on a
# sphere of the rules' mean Earth radius (6371.0088 km), from geosphere::destPoint with f = 0.
# Run: Rscript scripts/reference/monitor-watch-zone-outline.R > packages/engine/test/fixtures/reference/monitor-watch-zone-outline.json
suppressMessages({ library(geosphere); library(jsonlite) })
cases <- expand.grid(centre = 1:4, distanceKm = c(0.5, 5, 25, 150), bearing = c(0, 37.5, 90, 181, 270, 333))
centres <- list(c(66.99, 30.18), c(62.33, 25.12), c(69.82, 29.05), c(60.9, 29.5))
out <- lapply(seq_len(nrow(cases)), function(i) {
  c0 <- centres[[cases$centre[i]]]
  p <- destPoint(c0, cases$bearing[i], cases$distanceKm[i] * 1000, a = 6371008.8, f = 0)
  list(centre = c0, distanceKm = cases$distanceKm[i], bearing = cases$bearing[i], lon = p[1, 1], lat = p[1, 2])
})
cat(toJSON(list(generator = paste("R", getRversion(), "geosphere", packageVersion("geosphere")), cases = out), digits = NA, auto_unbox = TRUE))
