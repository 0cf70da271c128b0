# Reference values for engine/forecast/counts/damped-trend-negbin.ts (the damped-trend recursion
# and its point forecasts), from R forecast::ets with model "AAN", damped = TRUE (Holt's damped
# trend, Gardner and McKenzie 1985) and fixed alpha, beta, phi: ets then estimates only the initial
# states l0, b0; the engine is given those and must reproduce the one-step fitted values, the final
# states and forecast(h = 3)$mean.
# Real data: UCDP GED Pakistan (data/reference/ucdp-ged-pakistan), Balochistan incidents with a
# district, per calendar month of date_start: the province total 2010-01..2021-12 (144 months) and
# the busiest district's series over the same months.
# Run: Rscript scripts/reference/counts-damped-trend-reference.R > packages/engine/test/fixtures/reference/counts-damped-trend.json
suppressMessages({ library(forecast); library(jsonlite) })
d <- read.csv("data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv", stringsAsFactors = FALSE)[-1, ]
b <- d[d$adm_1 == "Balochistan province" & d$adm_2 != "", ]
ym <- as.integer(substr(b$date_start, 1, 4)) * 12 + as.integer(substr(b$date_start, 6, 7)) - 1
first <- 2010 * 12; last <- 2021 * 12 + 11
keep <- ym >= first & ym <= last
b <- b[keep, ]; ym <- ym[keep]
T <- last - first + 1
total <- tabulate(ym - first + 1, nbins = T)
busiest <- names(sort(table(b$adm_2), decreasing = TRUE))[1]
district <- tabulate(ym[b$adm_2 == busiest] - first + 1, nbins = T)
cases <- list()
for (s in list(list(name = "province total", y = total), list(name = busiest, y = district))) {
  for (p in list(c(0.5, 0.05, 0.9), c(0.8, 0.24, 0.98), c(0.2, 0.02, 0.8))) {
    fit <- ets(ts(s$y, frequency = 12), model = "AAN", damped = TRUE, alpha = p[1], beta = p[2], phi = p[3])
    fc <- forecast(fit, h = 3)
    st <- fit$states
    cases[[length(cases) + 1]] <- list(
      series = s$name, y = s$y, alpha = p[1], beta = p[2], phi = p[3],
      l0 = unname(fit$initstate["l"]), b0 = unname(fit$initstate["b"]),
      fitted = as.numeric(fitted(fit)),
      finalLevel = unname(st[nrow(st), "l"]), finalTrend = unname(st[nrow(st), "b"]),
      forecast = as.numeric(fc$mean))
  }
}
cat(toJSON(list(source = "UCDP GED Pakistan 1989-2021, Balochistan, months 2010-01..2021-12",
  r = R.version.string, forecast = as.character(packageVersion("forecast")), cases = cases), digits = NA, auto_unbox = TRUE, pretty = FALSE))
