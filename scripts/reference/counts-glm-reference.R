# Reference values for engine/stats/poisson-glm.ts and negative-binomial-glm.ts.
# Real data: UCDP GED Pakistan (data/reference/ucdp-ged-pakistan), events in Balochistan, counted
# per UCDP district (adm_2) and calendar month of date_start, 2004-01 .. 2021-12; rows are the
# district-months from 2005-01 (so that 12 lags exist). Covariates:
#   lag1      log(1 + count of the district in the previous month)
#   mean12    log(1 + mean count of the district over the previous 12 months)
#   rest1     log(1 + mean count of the other districts of the province in the previous month)
#             (a province-level spatial lag; the forecast model itself uses boundary neighbours)
#   sin, cos  first month-of-year harmonic
#   offset    log(days in the month)
# The design matrix goes into the JSON so the TypeScript test fits exactly the same data.
# Run: Rscript scripts/reference/counts-glm-reference.R > packages/engine/test/fixtures/reference/counts-glm.json
suppressMessages({ library(MASS); library(jsonlite) })
d <- read.csv("data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv", stringsAsFactors = FALSE)[-1, ]
b <- d[d$adm_1 == "Balochistan province" & d$adm_2 != "", ]
ym <- as.integer(substr(b$date_start, 1, 4)) * 12 + as.integer(substr(b$date_start, 6, 7)) - 1
first <- 2004 * 12; last <- 2021 * 12 + 11
b <- b[ym >= first & ym <= last, ]; ym <- ym[ym >= first & ym <= last]
districts <- sort(unique(b$adm_2))
D <- length(districts); T <- last - first + 1
Y <- matrix(0, D, T)
for (i in seq_along(ym)) { k <- match(b$adm_2[i], districts); Y[k, ym[i] - first + 1] <- Y[k, ym[i] - first + 1] + 1 }
rows <- list()
for (t in 13:T) for (k in 1:D) {
  m <- ((first + t - 1) %% 12) + 1; yr <- (first + t - 1) %/% 12
  days <- as.integer(format(as.Date(sprintf("%d-%02d-01", yr + (m == 12), ifelse(m == 12, 1, m + 1))) - 1, "%d"))
  rows[[length(rows) + 1]] <- data.frame(y = Y[k, t], lag1 = log1p(Y[k, t - 1]), mean12 = log1p(mean(Y[k, (t - 12):(t - 1)])),
    rest1 = log1p((sum(Y[, t - 1]) - Y[k, t - 1]) / (D - 1)), sin = sin(2 * pi * m / 12), cos = cos(2 * pi * m / 12), off = log(days))
}
df <- do.call(rbind, rows)
ctl <- glm.control(epsilon = 1e-12, maxit = 100)
fp <- glm(y ~ lag1 + mean12 + rest1 + sin + cos + offset(off), family = poisson, data = df, control = ctl)
fn <- glm.nb(y ~ lag1 + mean12 + rest1 + sin + cos + offset(off), data = df, control = ctl)
X <- model.matrix(fp)
sp <- summary(fp)$coefficients; sn <- summary(fn)$coefficients
# Default control as well, to check the engine's defaults reproduce R's defaults.
fn8 <- glm.nb(y ~ lag1 + mean12 + rest1 + sin + cos + offset(off), data = df)
out <- list(
  source = "UCDP GED Pakistan 1989-2021, Balochistan, adm_2 x month, rows 2005-01..2021-12",
  r = R.version.string, mass = as.character(packageVersion("MASS")),
  districts = districts, n = nrow(X), p = ncol(X), names = colnames(X),
  y = df$y, x = as.vector(t(X)), offset = df$off,
  poisson = list(coefficients = unname(sp[, 1]), se = unname(sp[, 2]), deviance = fp$deviance, aic = fp$aic,
                 loglik = as.numeric(logLik(fp)), iterations = fp$iter),
  negbin = list(coefficients = unname(sn[, 1]), se = unname(sn[, 2]), theta = fn$theta, thetaSE = fn$SE.theta,
                twologlik = fn$twologlik, aic = fn$aic, deviance = fn$deviance),
  negbinDefaultControl = list(coefficients = unname(coef(fn8)), theta = fn8$theta, twologlik = fn8$twologlik)
)
cat(toJSON(out, digits = NA, auto_unbox = TRUE))
