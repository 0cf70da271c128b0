# Reference values for the Mann-Kendall trend test. Kendall and trend are not packaged in Debian, so
# the reference is base R: cor.test(time, x, method = "kendall", exact = FALSE, continuity = TRUE),
# whose S, tie-corrected Var(S) and continuity-corrected z equal Mann-Kendall's when time has no
# ties, and cor(time, x, method = "kendall") for tau-b. Real series: yearly UCDP event counts in
# Balochistan (1989-2021, many ties at 0) plus constructed series.
#
# Run from the repository root: Rscript scripts/reference/hotspots-mann-kendall.R
suppressPackageStartupMessages(library(jsonlite))
inp <- fromJSON("packages/engine/test/fixtures/reference/hotspots-ucdp-input.json", simplifyVector = TRUE)
years <- 1989:2021
yearly <- as.numeric(table(factor(inp$events$year, levels = years)))
set.seed(7)
series <- list(
  ucdpBalochistanYearly = yearly,
  increasingNoTies = c(1.2, 2.5, 2.1, 3.3, 4.8, 4.4, 5.9, 6.1, 7.7, 8.2, 8.0, 9.9),
  decreasingWithTies = c(9, 9, 8, 8, 8, 7, 7, 5, 6, 5, 3, 3, 2, 2, 1),
  noisy = round(rnorm(40), 3),
  short = c(3, 1, 2, 5),
  zScoresEhsaLike = round(c(0.5, 1.1, 0.9, 1.7, 2.2, 2.0, 2.9, 3.1, 2.8, 3.6), 6)
)
res <- lapply(series, function(x) {
  t <- seq_along(x)
  ct <- suppressWarnings(cor.test(t, x, method = "kendall", exact = FALSE, continuity = TRUE))
  n <- length(x)
  S <- 0
  for (i in 1:(n - 1)) for (j in (i + 1):n) S <- S + sign(x[j] - x[i])
  ties <- table(x)
  varS <- (n * (n - 1) * (2 * n + 5) - sum(ties * (ties - 1) * (2 * ties + 5))) / 18
  list(x = x, S = S, varS = varS, z = unname(ct$statistic), p = ct$p.value, tau = cor(t, x, method = "kendall"))
})
writeLines(toJSON(list(generatedBy = "scripts/reference/hotspots-mann-kendall.R", series = res), digits = NA, auto_unbox = TRUE),
           "packages/engine/test/fixtures/reference/hotspots-mann-kendall.json")
cat("wrote hotspots-mann-kendall.json\n")
