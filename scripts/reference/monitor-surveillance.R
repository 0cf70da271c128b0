#!/usr/bin/env Rscript
# Reference values for the spike detectors in packages/engine/src/monitor: R surveillance's earsC and
# farringtonFlexible on real weekly and monthly UCDP Balochistan count series.
# Input:  packages/engine/test/fixtures/reference/monitor-ucdp-series.json (scripts/reference/monitor-ucdp-series.py)
# Output: packages/engine/test/fixtures/reference/monitor-surveillance.json
# Run:    Rscript scripts/reference/monitor-surveillance.R   (about a minute)
# Time points are integers (epochAsDate = FALSE): Farrington's reference weeks are k - 52 i.
suppressMessages({ library(surveillance); library(jsonlite) })
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
root <- normalizePath(file.path(here, "..", ".."))
fx <- file.path(root, "packages/engine/test/fixtures/reference")
input <- fromJSON(file.path(fx, "monitor-ucdp-series.json"))

na2null <- function(v) { v <- as.numeric(v); l <- as.list(v); l[is.na(v)] <- list(NULL); l }

ears <- list()
for (freqName in c("weekly", "monthly")) {
  freq <- if (freqName == "weekly") 52 else 12
  for (name in names(input[[freqName]])) {
    y <- as.numeric(input[[freqName]][[name]])
    for (method in c("C1", "C2", "C3")) for (minSigma in c(0, 0.5)) {
      s <- sts(observed = matrix(y, ncol = 1), frequency = freq, start = c(2004, 1))
      r <- earsC(s, control = list(method = method, baseline = 7, minSigma = minSigma))
      first <- switch(method, C1 = 8, C2 = 10, C3 = 12)
      ears[[length(ears) + 1]] <- list(series = paste(freqName, name, sep = ":"), method = method,
        minSigma = minSigma, baseline = 7, alpha = if (method == "C3") 0.025 else 0.001,
        firstIndex = first - 1, upperbound = na2null(upperbound(r)), alarm = na2null(alarms(r)))
    }
  }
}

configs <- list(
  list(id = "farrington-1996", b = 3, w = 3, noPeriods = 1, weightsThreshold = 1, pastWeeksNotIncluded = NULL,
       thresholdMethod = "delta", alpha = 0.01, limit54 = c(5, 4), populationOffset = FALSE),
  list(id = "noufaily-muan", b = 3, w = 3, noPeriods = 10, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
       thresholdMethod = "muan", alpha = 0.01, limit54 = c(5, 4), populationOffset = FALSE),
  list(id = "noufaily-nbplugin", b = 3, w = 3, noPeriods = 10, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
       thresholdMethod = "nbPlugin", alpha = 0.01, limit54 = c(5, 4), populationOffset = FALSE),
  list(id = "delta-no-limit", b = 3, w = 3, noPeriods = 1, weightsThreshold = 2.58, pastWeeksNotIncluded = NULL,
       thresholdMethod = "delta", alpha = 0.05, limit54 = c(0, 4), populationOffset = FALSE),
  list(id = "noufaily-delta-population", b = 4, w = 2, noPeriods = 4, weightsThreshold = 2.58, pastWeeksNotIncluded = 8,
       thresholdMethod = "delta", alpha = 0.025, limit54 = c(0, 4), populationOffset = TRUE)
)
population <- function(n) round(6.5e6 * 1.02^((0:(n - 1)) / 52))

farr <- list()
for (name in c("province:events", "province:deaths", "Quetta:events")) {
  y <- as.numeric(input$weekly[[name]])
  n <- length(y)
  for (cf in configs) {
    s <- sts(observed = matrix(y, ncol = 1), frequency = 52, start = c(2004, 1),
             population = matrix(population(n), ncol = 1))
    ctl <- list(b = cf$b, w = cf$w, noPeriods = cf$noPeriods, weightsThreshold = cf$weightsThreshold,
                pastWeeksNotIncluded = cf$pastWeeksNotIncluded, thresholdMethod = cf$thresholdMethod,
                alpha = cf$alpha, limit54 = cf$limit54, populationOffset = cf$populationOffset,
                reweight = TRUE, trend = TRUE, pThresholdTrend = 0.05, glmWarnings = FALSE)
    r <- farringtonFlexible(s, control = ctl)
    first <- 52 * cf$b + cf$w + 1
    farr[[length(farr) + 1]] <- list(series = paste("weekly", name, sep = ":"), config = cf$id,
      b = cf$b, w = cf$w, noPeriods = cf$noPeriods, weightsThreshold = cf$weightsThreshold,
      pastWeeksNotIncluded = if (is.null(cf$pastWeeksNotIncluded)) cf$w else cf$pastWeeksNotIncluded,
      thresholdMethod = cf$thresholdMethod, alpha = cf$alpha, limit54 = cf$limit54,
      populationOffset = cf$populationOffset, population = if (cf$populationOffset) population(n) else NULL,
      firstIndex = first - 1,
      upperbound = na2null(upperbound(r)), alarm = na2null(alarms(r)),
      expected = na2null(r@control$expected), phi = na2null(r@control$phiVector),
      trend = na2null(r@control$trend))
  }
}

out <- list(generatedBy = paste("scripts/reference/monitor-surveillance.R, R", getRversion(), "surveillance",
                                as.character(packageVersion("surveillance"))),
            ears = ears, farrington = farr)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null"), file.path(fx, "monitor-surveillance.json"))
cat("ears", length(ears), "farrington", length(farr), "\n")
