# Reference values for Baseerat's temporal statistics kernels (packages/engine/src/stats):
# exact Poisson rate test, binomial test, gamma/beta functions, Sen's slope, chi-square goodness of fit.
# Run: Rscript scripts/reference/temporal-stats.R > packages/engine/test/fixtures/reference/temporal-stats.json
suppressPackageStartupMessages(library(jsonlite))

poisson_cases <- list(c(14, 7, 23, 7), c(23, 7, 14, 7), c(0, 30, 5, 30), c(5, 30, 0, 30), c(120, 365, 90, 365),
                      c(3, 10, 3, 10), c(47, 31, 30, 28), c(1, 1, 0, 1), c(250, 90, 310, 92), c(9, 28, 2, 14))
poisson <- lapply(poisson_cases, function(v) {
  r <- poisson.test(c(v[1], v[3]), c(v[2], v[4]))
  list(x1 = v[1], t1 = v[2], x0 = v[3], t0 = v[4], rateRatio = unname(r$estimate),
       lower = r$conf.int[1], upper = r$conf.int[2], pValue = r$p.value)
})

binom_cases <- list(c(7, 20, 0.5), c(0, 10, 0.3), c(10, 10, 0.3), c(37, 100, 0.25), c(3, 250, 0.05), c(14, 37, 14/37),
                    c(500, 900, 0.55), c(1, 2, 0.5))
binom <- lapply(binom_cases, function(v) {
  r <- binom.test(v[1], v[2], v[3])
  list(x = v[1], n = v[2], p = v[3], pValue = r$p.value, lower = r$conf.int[1], upper = r$conf.int[2])
})

poisson_ci <- lapply(c(0, 1, 2, 5, 17, 100, 1000), function(x) {
  r <- poisson.test(x)
  list(x = x, lower = r$conf.int[1], upper = r$conf.int[2])
})

gamma <- lapply(list(c(0.5, 0.1), c(1, 1), c(3, 2.5), c(10, 15), c(100, 90), c(0.5, 30), c(2.5, 0.001)), function(v)
  list(a = v[1], x = v[2], P = pgamma(v[2], v[1]), Q = pgamma(v[2], v[1], lower.tail = FALSE), logGamma = lgamma(v[1])))
gammaq <- lapply(list(c(0.025, 1), c(0.975, 18), c(0.5, 0.5), c(0.001, 100)), function(v) list(p = v[1], a = v[2], q = qgamma(v[1], v[2])))
beta <- lapply(list(c(0.3, 2, 3), c(0.9, 0.5, 0.5), c(0.01, 1, 50), c(0.5, 100, 120)), function(v)
  list(x = v[1], a = v[2], b = v[3], I = pbeta(v[1], v[2], v[3]), q = qbeta(v[1], v[2], v[3])))
chisq_surv <- lapply(list(c(3.84, 1), c(20, 11), c(0.5, 6), c(150, 23)), function(v)
  list(x = v[1], df = v[2], p = pchisq(v[1], v[2], lower.tail = FALSE)))

# Sen's slope: trend::sens.slope is not packaged in Debian here, so its algorithm is hand-coded from
# its source (Gilbert 1987 eq. 16.7; Hollander and Wolfe 1973) and the slope cross-checked with MASS-free median.
sen <- function(x, conf.level = 0.95) {
  n <- length(x); d <- c()
  for (i in 1:(n - 1)) for (j in (i + 1):n) d <- c(d, (x[j] - x[i]) / (j - i))
  N <- length(d); b <- median(d)
  tp <- as.numeric(table(x))
  varS <- (n * (n - 1) * (2 * n + 5) - sum(tp * (tp - 1) * (2 * tp + 5))) / 18
  C <- qnorm(1 - (1 - conf.level) / 2) * sqrt(varS)
  lo <- round((N - C) / 2); up <- round((N + C) / 2 + 1)
  sd <- sort(d)
  list(values = x, slope = b, lower = if (lo >= 1 && lo <= N) sd[lo] else NULL,
       upper = if (up >= 1 && up <= N) sd[up] else NULL, varianceS = varS)
}
set.seed(42)
sen_cases <- list(
  c(12, 15, 11, 18, 20, 17, 22, 25, 21, 27, 30, 26),
  c(5, 5, 6, 5, 7, 5, 8, 5, 6, 9, 5, 10, 4, 11),
  as.numeric(rpois(36, lambda = 20 + 0.3 * (1:36))),
  c(40, 38, 41, 35, 33, 36, 30, 29, 31, 27, 25, 24, 26, 22, 20, 21, 19, 18, 17, 15),
  as.numeric(rpois(60, lambda = 8))
)
sens <- lapply(sen_cases, sen)

chisq_cases <- list(
  list(obs = c(30, 22, 25, 41, 28, 27, 19), w = c(5, 5, 5, 4, 4, 4, 4)),
  list(obs = c(10, 12, 9, 30, 11, 8, 10, 9, 12, 11, 10, 13), w = c(31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)),
  list(obs = c(3, 1, 0, 0, 2, 5, 9, 7, 6, 4, 3, 2, 3, 4, 5, 6, 8, 9, 7, 5, 4, 3, 2, 1), w = rep(1, 24))
)
chisq <- lapply(chisq_cases, function(cse) {
  r <- suppressWarnings(chisq.test(cse$obs, p = cse$w / sum(cse$w)))
  list(observed = cse$obs, weights = cse$w, statistic = unname(r$statistic), df = unname(r$parameter), pValue = r$p.value)
})

cat(toJSON(list(
  generator = paste("R", R.version$major, R.version$minor, "stats::poisson.test, binom.test, pgamma, qgamma, pbeta, qbeta, pchisq, chisq.test; Sen's slope hand-coded after trend::sens.slope"),
  poisson = poisson, binom = binom, poissonCi = poisson_ci, gamma = gamma, gammaQuantile = gammaq, beta = beta,
  chiSquareSurvival = chisq_surv, sens = sens, chisq = chisq
), auto_unbox = TRUE, digits = NA, pretty = TRUE))
