# Reference values for packages/engine/src/evaluate (interrupted time series, difference in
# differences, synthetic-control weights, WDD).
# Real data: UCDP GED Pakistan (data/reference/ucdp-ged-pakistan), events in Balochistan, counted per
# UCDP district (adm_2) and calendar month of date_start, 2007-01 .. 2021-12, districts with at least
# 19 events. An ILLUSTRATIVE "measure" starts 2013-01 in Quetta and Kech (no such intervention is
# implied): the point is to fit the same designs in R and in Baseerat.
#  All fits with glm.control(epsilon = 1e-12, maxit = 100) (the engine is given the same), and glm.nb
#  also with its defaults to check the engine defaults.
#  - ITS: y ~ t + post [+ tSince] + sin1 + cos1 on the Quetta + Kech monthly total, Poisson (glm) and
#    negative binomial (MASS::glm.nb), Newey-West HAC: sandwich::NeweyWest(lag = 3, prewhite = FALSE,
#    adjust = FALSE).
#  - DiD: y ~ factor(area) + factor(period) + treatedPost, Poisson, months with no event in any area
#    dropped; cluster-robust sandwich::vcovCL(cluster = ~area, type = "HC1"); pre-trend model on
#    the pre-period with treated x t.
#  - Synthetic control: weights >= 0 summing to 1 minimising the pre-period squared error of the
#    index series (each series / its pre-period mean), quadprog::solve.QP; plus a random problem
#    whose solution has zero weights.
#  - WDD / WDQ formulas on four count pairs.
# Run: Rscript scripts/reference/evaluate-reference.R > packages/engine/test/fixtures/reference/evaluate-reference.json
suppressMessages({ library(MASS); library(jsonlite); library(sandwich); library(quadprog) })
d <- read.csv("data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv", stringsAsFactors = FALSE)[-1, ]
b <- d[d$adm_1 == "Balochistan province" & d$adm_2 != "", ]
ym <- as.integer(substr(b$date_start, 1, 4)) * 12 + as.integer(substr(b$date_start, 6, 7)) - 1
first <- 2007 * 12; last <- 2021 * 12 + 11
keep <- ym >= first & ym <= last
b <- b[keep, ]; ym <- ym[keep]
tab <- table(b$adm_2)
districts <- sort(names(tab)[tab >= 19])
treatedNames <- c("Kech district", "Quetta district")
areas <- c(treatedNames, setdiff(districts, treatedNames))
A <- length(areas); T <- last - first + 1
Y <- matrix(0, A, T)
for (i in seq_along(ym)) { k <- match(b$adm_2[i], areas); if (!is.na(k)) Y[k, ym[i] - first + 1] <- Y[k, ym[i] - first + 1] + 1 }
periods <- sprintf("%d-%02d", (first + 0:(T - 1)) %/% 12, (first + 0:(T - 1)) %% 12 + 1)
month <- (first + 0:(T - 1)) %% 12 + 1
start <- match("2013-01", periods) - 1  # 0-based index of the first post month
treated <- c(TRUE, TRUE, rep(FALSE, A - 2))

# ---- ITS ----
y <- colSums(Y[treated, , drop = FALSE])
tt <- 0:(T - 1)
its <- data.frame(y = y, t = tt, post = as.numeric(tt >= start), tSince = pmax(0, tt - start) * (tt >= start),
                  sin1 = sin(2 * pi * month / 12), cos1 = cos(2 * pi * month / 12))
lag <- floor(4 * (T / 100)^(2 / 9))
itsFit <- function(fit) {
  nw <- NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = FALSE)
  list(coefficients = unname(coef(fit)), modelSE = unname(sqrt(diag(vcov(fit)))), hacSE = unname(sqrt(diag(nw))),
       names = names(coef(fit)), theta = if (is.null(fit$theta)) NULL else unname(fit$theta))
}
ctl <- glm.control(epsilon = 1e-12, maxit = 100)
f1 <- glm(y ~ t + post + sin1 + cos1, family = poisson, data = its, control = ctl)
f2 <- glm(y ~ t + post + tSince + sin1 + cos1, family = poisson, data = its, control = ctl)
f3 <- glm.nb(y ~ t + post + sin1 + cos1, data = its, control = ctl)
f3default <- glm.nb(y ~ t + post + sin1 + cos1, data = its)
pearson <- sum(residuals(f1, "pearson")^2) / f1$df.residual

# ---- DiD ----
long <- data.frame(y = as.vector(t(Y)), area = factor(rep(areas, each = T), levels = areas),
                   t = rep(0:(T - 1), A), tr = rep(treated, each = T))
keepT <- which(colSums(Y) > 0) - 1
long <- long[long$t %in% keepT, ]
long$period <- factor(long$t, levels = keepT)
startK <- sum(keepT < start)
long$k <- match(long$t, keepT) - 1
long$treatedPost <- as.numeric(long$tr & long$k >= startK)
did <- glm(y ~ area + period + treatedPost, family = poisson, data = long, control = ctl)
cl <- vcovCL(did, cluster = ~area, type = "HC1")
p <- length(coef(did))
pre <- long[long$k < startK, ]
pre$period <- droplevels(pre$period)
pre$treatedTrend <- as.numeric(pre$tr) * pre$k
preFit <- glm(y ~ area + period + treatedTrend, family = poisson, data = pre, control = ctl)
pcl <- vcovCL(preFit, cluster = ~area, type = "HC1")
pp <- length(coef(preFit))

# ---- Synthetic control ----
simplexLs <- function(D, y) {  # D: J x L donors, y: length L
  J <- nrow(D)
  Q <- D %*% t(D); Q <- Q + diag(1e-10 * mean(diag(Q)), J)
  s <- solve.QP(Dmat = Q, dvec = as.vector(D %*% y), Amat = cbind(rep(1, J), diag(J)), bvec = c(1, rep(0, J)), meq = 1)
  pmax(s$solution, 0) / sum(pmax(s$solution, 0))
}
tot <- colSums(Y[treated, , drop = FALSE])
idx <- function(v) v / mean(v[1:start])
donors <- !treated & rowSums(Y[, 1:start]) > 0
Dm <- t(apply(Y[donors, , drop = FALSE], 1, idx))
synthW <- simplexLs(Dm[, 1:start, drop = FALSE], idx(tot)[1:start])
set.seed(20261127)
J2 <- 8; L2 <- 30
D2 <- matrix(rexp(J2 * L2), J2, L2)
y2 <- as.vector(0.5 * D2[2, ] + 0.3 * D2[5, ] + 0.2 * D2[7, ] + rnorm(L2, 0, 0.3))
w2 <- simplexLs(D2, y2)

# ---- WDD ----
wdd <- function(T0, T1, C0, C1, D0, D1, Cd0, Cd1) {
  v <- (T1 - T0) - (C1 - C0) + (D1 - D0) - (Cd1 - Cd0)
  va <- T0 + T1 + C0 + C1 + D0 + D1 + Cd0 + Cd1
  list(wdd = v, variance = va, z = v / sqrt(va), p = 2 * pnorm(-abs(v / sqrt(va))),
       wdq = ((D1 / Cd1) - (D0 / Cd0)) / ((T1 / C1) - (T0 / C0)),
       logRR = log(T1 / T0) - log(C1 / C0), seLogRR = sqrt(1 / T1 + 1 / T0 + 1 / C1 + 1 / C0))
}

out <- list(
  source = "UCDP GED Pakistan 1989-2021, Balochistan adm_2 x month 2007-01..2021-12, districts with >= 19 events; illustrative start 2013-01 in Quetta and Kech",
  r = R.version.string, mass = as.character(packageVersion("MASS")), sandwich = as.character(packageVersion("sandwich")),
  quadprog = as.character(packageVersion("quadprog")),
  panel = list(areas = areas, treated = treated, periods = periods, monthOfYear = month, startIndex = start, counts = lapply(seq_len(A), function(k) Y[k, ])),
  its = list(lag = lag, poissonDispersion = pearson, poisson = itsFit(f1), poissonSlope = itsFit(f2), negbin = itsFit(f3), negbinDefault = itsFit(f3default)),
  did = list(keptPeriods = length(keepT), p = p, coefficient = unname(coef(did)["treatedPost"]), modelSE = unname(sqrt(diag(vcov(did)))[p]),
             clusterSE = unname(sqrt(diag(cl)))[p],
             preTrend = list(coefficient = unname(coef(preFit)["treatedTrend"]), clusterSE = unname(sqrt(diag(pcl)))[pp])),
  synth = list(donors = areas[donors], weights = synthW),
  synthRandom = list(J = J2, L = L2, donors = as.vector(t(D2)), target = y2, weights = w2),
  wdd = list(input = list(T0 = 60, T1 = 42, C0 = 120, C1 = 115, D0 = 35, D1 = 30, Cd0 = 80, Cd1 = 84),
             result = wdd(60, 42, 120, 115, 35, 30, 80, 84))
)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = FALSE, null = "null"))
