# Reference values for engine/stats/count-distributions.ts and crps.ts.
# r-cran-scoringrules is not in Debian 12, so CRPS is computed here by explicit summation
# sum_k (F(k) - 1{k >= y})^2 over k = 0 .. max(y, qF(1 - 1e-15)) + 50, and, for the Poisson, also by
# the closed form of Wei and Held (2014), with Bessel functions, to check the summation itself.
# Run: Rscript scripts/reference/counts-scores-reference.R > packages/engine/test/fixtures/reference/counts-scores.json
suppressMessages(library(jsonlite))
crps_sum <- function(cdf, q, y) { K <- max(y, q(1 - 1e-15)) + 50; k <- 0:K; sum((cdf(k) - (k >= y))^2) }
crps_pois_closed <- function(l, y) (y - l) * (2 * ppois(y, l) - 1) + 2 * l * dpois(floor(y), l) -
  l * (besselI(2 * l, 0, expon.scaled = TRUE) + besselI(2 * l, 1, expon.scaled = TRUE))
cases <- list()
for (l in c(0.05, 0.3, 1, 2.5, 7, 20, 60)) for (y in c(0, 1, 3, 10, 40)) {
  cases[[length(cases) + 1]] <- list(family = "poisson", mean = l, y = y,
    crps = crps_sum(function(k) ppois(k, l), function(p) qpois(p, l), y), crpsClosed = crps_pois_closed(l, y),
    pmf = dpois(y, l), cdf = ppois(y, l), q05 = qpois(0.05, l), q50 = qpois(0.5, l), q95 = qpois(0.95, l))
}
for (m in c(0.05, 0.3, 1, 2.5, 7, 20)) for (th in c(0.2, 0.44, 1.5, 10)) for (y in c(0, 1, 3, 10, 40)) {
  cases[[length(cases) + 1]] <- list(family = "negbin", mean = m, theta = th, y = y,
    crps = crps_sum(function(k) pnbinom(k, mu = m, size = th), function(p) qnbinom(p, mu = m, size = th), y),
    pmf = dnbinom(y, mu = m, size = th), cdf = pnbinom(y, mu = m, size = th),
    q05 = qnbinom(0.05, mu = m, size = th), q50 = qnbinom(0.5, mu = m, size = th), q95 = qnbinom(0.95, mu = m, size = th))
}
cat(toJSON(list(r = R.version.string, cases = cases), digits = NA, auto_unbox = TRUE))
