# Reference values for emerging hot spot analysis (steps 1-3) on REAL data: spdep localG on the
# space-time cube with the space-time neighbour lists written by hotspots-ehsa-input.ts (binary
# weights, self included), p.adjust(BH) over all bins, and per cell the Mann-Kendall statistics of the
# z-score series (base R cor.test(kendall, exact = FALSE, continuity = TRUE) and cor(kendall)).
# The 17-category rules are checked by constructed cubes in the tests (sfdep and Kendall are not in Debian).
#
# Run from the repository root:
#   npx tsx scripts/reference/hotspots-ehsa-input.ts && Rscript scripts/reference/hotspots-ehsa.R
suppressPackageStartupMessages({
  library(spdep)
  library(jsonlite)
})
inp <- fromJSON("packages/engine/test/fixtures/reference/hotspots-ehsa-input.json", simplifyVector = FALSE)
nb <- lapply(inp$nb, function(v) sort(as.integer(unlist(v)) + 1L))
class(nb) <- "nb"
attr(nb, "region.id") <- as.character(seq_along(nb))
attr(nb, "self.included") <- TRUE
x <- as.numeric(unlist(inp$values))
g <- localG(x, nb2listw(nb, style = "B"), return_internals = TRUE)
z <- as.numeric(g)
p <- as.numeric(attr(g, "internals")[, 5])
pBH <- p.adjust(p, method = "BH")
nCells <- length(inp$cells)
nSteps <- inp$nSteps
mk <- lapply(seq_len(nCells), function(i) {
  zi <- z[(seq_len(nSteps) - 1) * nCells + i]
  t <- seq_len(nSteps)
  ct <- suppressWarnings(cor.test(t, zi, method = "kendall", exact = FALSE, continuity = TRUE))
  list(z = unname(ct$statistic), p = ct$p.value, tau = unname(cor(t, zi, method = "kendall")))
})
out <- list(generatedBy = "scripts/reference/hotspots-ehsa.R", z = z, p = p, pBH = pBH,
            mkZ = sapply(mk, `[[`, "z"), mkP = sapply(mk, `[[`, "p"), mkTau = sapply(mk, `[[`, "tau"))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "packages/engine/test/fixtures/reference/hotspots-ehsa.json")
cat("wrote hotspots-ehsa.json:", nCells, "cells x", nSteps, "steps\n")
