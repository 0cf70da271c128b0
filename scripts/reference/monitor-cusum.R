#!/usr/bin/env Rscript
# Reference values for the Poisson CUSUM in packages/engine/src/monitor/cusum.ts: R surveillance's
# algo.cusum with trans = "none" (S_t = max(0, S_{t-1} + x_t - k), alarm S_t >= h, no reset) on real
# weekly UCDP Balochistan series, k from Lucas's formula (mu1 - mu0) / (log mu1 - log mu0).
# Output: packages/engine/test/fixtures/reference/monitor-cusum.json. Run: Rscript scripts/reference/monitor-cusum.R
suppressMessages({ library(surveillance); library(jsonlite) })
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
fx <- file.path(normalizePath(file.path(here, "..", "..")), "packages/engine/test/fixtures/reference")
input <- fromJSON(file.path(fx, "monitor-ucdp-series.json"))
cases <- list()
for (name in c("province:events", "Quetta:events", "Dera Bugti:events")) {
  y <- as.numeric(input$weekly[[name]])
  for (cfg in list(list(mu0 = 0.5, mu1 = 1, h = 4), list(mu0 = 0.2, mu1 = 0.6, h = 3), list(mu0 = 1, mu1 = 2, h = 5))) {
    k <- (cfg$mu1 - cfg$mu0) / (log(cfg$mu1) - log(cfg$mu0))
    d <- suppressWarnings(create.disProg(week = seq_along(y), observed = y, state = rep(0, length(y)), freq = 52))
    r <- algo.cusum(d, control = list(range = seq_along(y), k = k, h = cfg$h, trans = "none", m = cfg$mu0))
    cases[[length(cases) + 1]] <- list(series = paste("weekly", name, sep = ":"), mu0 = cfg$mu0, mu1 = cfg$mu1,
      h = cfg$h, k = k, cusum = as.numeric(r$cusum), alarm = as.numeric(r$alarm))
  }
}
writeLines(toJSON(list(generatedBy = paste("scripts/reference/monitor-cusum.R, surveillance",
  as.character(packageVersion("surveillance"))), cases = cases), auto_unbox = TRUE, digits = NA),
  file.path(fx, "monitor-cusum.json"))
cat("cases", length(cases), "\n")
