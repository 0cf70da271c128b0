# Reference values for the isotropic Gaussian kernel density from spatstat, on REAL data (UCDP GED
# Balochistan events projected to metres by scripts/reference/hotspots-kde.py), sigma = 30 km, no
# edge correction. Two spatstat paths are recorded:
#  - densityfun(X, sigma, edge = FALSE) evaluated at the pixel centres: exact kernel sums;
#  - density.ppp(X, sigma, edge = FALSE, dimyx) on spatstat's own pixel grid: FFT-based, hence only
#    approximately equal to exact sums (used to show the pixel-centre convention, with a loose tolerance).
# The window is the grid rectangle [x0, x0 + nCols cellSize] x [y0, y0 + nRows cellSize].
#
# Run from the repository root (after hotspots-kde.py):
#   Rscript scripts/reference/hotspots-kde-spatstat.R
suppressPackageStartupMessages({
  library(spatstat)
  library(jsonlite)
})
inp <- fromJSON("packages/engine/test/fixtures/reference/hotspots-kde-scipy.json")
g <- inp$grid
win <- owin(c(g$x0, g$x0 + g$nCols * g$cellSize), c(g$y0, g$y0 + g$nRows * g$cellSize))
X <- ppp(inp$x, inp$y, window = win)
sigma <- 30000
cx <- g$x0 + (seq_len(g$nCols) - 0.5) * g$cellSize
cy <- g$y0 + (seq_len(g$nRows) - 0.5) * g$cellSize
# row-major from the bottom row: x varies fastest
px <- rep(cx, times = g$nRows)
py <- rep(cy, each = g$nCols)
f <- densityfun(X, sigma = sigma, edge = FALSE)
exact <- f(px, py)
fw <- densityfun(X, sigma = sigma, edge = FALSE, weights = inp$weights)
exactWeighted <- fw(px, py)
D <- density(X, sigma = sigma, edge = FALSE, dimyx = c(g$nRows, g$nCols))
# D$v[row, col] has row 1 at the bottom (smallest y) in spatstat's im convention
fft <- as.numeric(t(D$v))
out <- list(
  generatedBy = "scripts/reference/hotspots-kde-spatstat.R",
  spatstatVersion = as.character(packageVersion("spatstat")),
  sigma = sigma,
  pixelCentresX = D$xcol, pixelCentresY = D$yrow,
  exact = exact, exactWeighted = exactWeighted, fft = fft
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "packages/engine/test/fixtures/reference/hotspots-kde-spatstat.json")
cat("wrote hotspots-kde-spatstat.json; max rel diff fft vs exact:", max(abs(fft - exact) / max(exact)), "\n")
cat("direct check:", { i <- 500; s <- sum(exp(-((px[i]-inp$x)^2 + (py[i]-inp$y)^2)/(2*sigma^2)))/(2*pi*sigma^2); c(s, exact[i]) }, "\n")
