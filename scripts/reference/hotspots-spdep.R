# Reference values for Getis-Ord Gi*, Local Moran's I and Benjamini-Hochberg from R spdep / stats,
# on REAL data: UCDP GED events in Balochistan binned to H3 resolution 6 (cells and neighbour lists
# from scripts/reference/hotspots-ucdp-input.ts, so that both sides use the same neighbourhoods).
#
# Run from the repository root:
#   npx tsx scripts/reference/hotspots-ucdp-input.ts
#   Rscript scripts/reference/hotspots-spdep.R
# Writes packages/engine/test/fixtures/reference/hotspots-spdep.json
suppressPackageStartupMessages({
  library(spdep)
  library(jsonlite)
})
inp <- fromJSON("packages/engine/test/fixtures/reference/hotspots-ucdp-input.json", simplifyVector = FALSE)
to_nb <- function(lists, self) {
  nb <- lapply(lists, function(v) {
    v <- as.integer(unlist(v)) + 1L
    if (length(v) == 0) 0L else sort(v)
  })
  class(nb) <- "nb"
  attr(nb, "region.id") <- as.character(seq_along(nb))
  if (self) attr(nb, "self.included") <- TRUE
  nb
}
nb_self <- to_nb(inp$nbSelf, TRUE)
nb_noself <- to_nb(inp$nbNoSelf, FALSE)
counts <- as.numeric(unlist(inp$counts))
deaths <- as.numeric(unlist(inp$deaths))

lw_b <- nb2listw(nb_self, style = "B")
lw_w <- nb2listw(nb_noself, style = "W")

gi <- function(x) {
  g <- localG(x, lw_b, return_internals = TRUE)
  ints <- attr(g, "internals")
  list(z = as.numeric(g), p = as.numeric(ints[, 5]), pBH = p.adjust(as.numeric(ints[, 5]), method = "BH"))
}
lm <- function(x) {
  r <- localmoran(x, lw_w)
  q <- attr(r, "quadr")$pysal
  list(Ii = as.numeric(r[, 1]), EIi = as.numeric(r[, 2]), VarIi = as.numeric(r[, 3]), ZIi = as.numeric(r[, 4]),
       p = as.numeric(r[, 5]), quadrantPysal = as.character(q))
}
lmp <- function(x, nsim) {
  r <- localmoran_perm(x, lw_w, nsim = nsim, iseed = 20231)
  list(nsim = nsim, pFolded = as.numeric(r[, 7]))
}

# BH on a hand-made vector with ties, zeros and ones, plus on real Gi* p-values (below).
p_toy <- c(0.01, 0.04, 0.04, 0.2, 0.0001, 1, 0, 0.03, 0.5, 0.049, 0.051, 0.9)

out <- list(
  generatedBy = "scripts/reference/hotspots-spdep.R",
  spdepVersion = as.character(packageVersion("spdep")),
  rVersion = R.version.string,
  giStarCounts = gi(counts),
  giStarDeaths = gi(deaths),
  localMoranCounts = lm(counts),
  localMoranDeaths = lm(deaths),
  localMoranPermCounts = lmp(counts, 9999L),
  bhToy = list(p = p_toy, adjusted = p.adjust(p_toy, method = "BH")),
  pnorm = list(z = c(-40, -38, -10, -5.5, -1.2, -0.3, 0, 0.1, 0.6744, 0.7, 1.96, 3.2, 5.6, 8, 12, 20, 37),
               lower = pnorm(c(-40, -38, -10, -5.5, -1.2, -0.3, 0, 0.1, 0.6744, 0.7, 1.96, 3.2, 5.6, 8, 12, 20, 37)),
               upper = pnorm(c(-40, -38, -10, -5.5, -1.2, -0.3, 0, 0.1, 0.6744, 0.7, 1.96, 3.2, 5.6, 8, 12, 20, 37), lower.tail = FALSE),
               qp = c(1e-300, 1e-20, 1e-8, 0.001, 0.025, 0.05, 0.3, 0.5, 0.9, 0.975, 0.999999),
               q = qnorm(c(1e-300, 1e-20, 1e-8, 0.001, 0.025, 0.05, 0.3, 0.5, 0.9, 0.975, 0.999999)))
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "packages/engine/test/fixtures/reference/hotspots-spdep.json")
cat("wrote hotspots-spdep.json\n")
