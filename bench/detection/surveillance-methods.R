#!/usr/bin/env Rscript
# Called by bench/detection/detection.bench.ts: R surveillance's detectors on the same injected series.
# Args: input JSON (series, evaluation range, levels), output JSON. The bench may run several of these
# at once on blocks of the series (--r-jobs).
suppressMessages({ library(surveillance); library(jsonlite) })
a <- commandArgs(trailingOnly = TRUE)
inp <- fromJSON(a[1], simplifyVector = TRUE)
from <- inp$evalFrom + 1; y_all <- inp$series
if (is.null(dim(y_all))) y_all <- matrix(y_all, nrow = 1)  # one series comes back as a vector
out <- list()
t0 <- proc.time()[["elapsed"]]
for (s in seq_len(nrow(y_all))) {
  y <- as.numeric(y_all[s, ]); n <- length(y); rng <- from:n
  sts0 <- sts(observed = matrix(y, ncol = 1), frequency = 52, start = c(2004, 1))
  res <- list()
  for (m in c("C1", "C2", "C3")) for (al in inp$earsAlphas) {
    r <- earsC(sts0, control = list(method = m, baseline = 7, minSigma = inp$minSigma, alpha = al, range = rng))
    res[[paste0("R EARS ", m, "@", al)]] <- as.integer(alarms(r)[, 1] %in% TRUE)
  }
  f <- farringtonFlexible(sts0, control = list(range = rng, b = 3, w = 3, noPeriods = 1, weightsThreshold = 2.58,
        thresholdMethod = "delta", alpha = 0.05, limit54 = c(0, 4), glmWarnings = FALSE))
  pv <- f@control$pvalue[, 1]
  for (al in inp$farringtonAlphas) res[[paste0("R farringtonFlexible@", al)]] <- as.integer(!is.na(pv) & pv < al & y[rng] > 0)
  for (c in inp$glrCs) {
    g <- glrnb(sts0, control = list(range = rng, c.ARL = c, mu0 = list(S = 1, trend = FALSE), dir = "inc", ret = "value"))
    res[[paste0("R glrnb@", c)]] <- as.integer(alarms(g)[, 1] %in% TRUE)
  }
  out[[s]] <- res
}
cat(sprintf("R elapsed %.1f s\n", proc.time()[["elapsed"]] - t0), file = stderr())
writeLines(toJSON(out, auto_unbox = TRUE), a[2])
