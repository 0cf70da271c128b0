# Reference for the area risk index across feed-coverage gaps (docs/methods/risk-index.md,
# "Periods no feed covers"): a seeded panel of 10 areas x 30 periods whose periods have covered
# shares (exposure) 1, partial or 0; the factors recomputed here from their written definitions
# (rates per covered time scaled to the window; a windowed factor covered less than half is not
# known; intensity known while any period it reaches is covered), the design (origins whose outcome
# period is covered, offset log(exposure)), standardisation over the known values (1/n SD, unknown
# values set to the mean), then R glm (Poisson, offset) and glmnet (alpha = 0, standardize = FALSE).
# Run: Rscript scripts/reference/risk-exposure.R > packages/engine/test/fixtures/reference/risk-exposure.json
suppressPackageStartupMessages({ library(glmnet); library(jsonlite) })
set.seed(20261127)
nA <- 10; nP <- 30
H <- 2; W <- 4; Tw <- 2; N <- 1; minShare <- 0.5
exposure <- rep(1, nP)
exposure[c(9, 10, 11)] <- 0          # periods 8-10 (0-based): no feed
exposure[c(12)] <- 0.4               # period 11: the feed came back for 40 % of it
exposure[c(20)] <- 0.75              # period 19: a quarter missing
exposure[c(26, 27)] <- 0             # periods 25, 26: no feed
neighbours <- lapply(0:(nA - 1), function(a) sort(c((a + 1) %% nA, (a + nA - 1) %% nA)))
level <- exp(rnorm(nA, 0.8, 0.6))
count <- matrix(0, nA, nP); harm <- matrix(0, nA, nP)
for (t in 1:nP) for (a in 1:nA) {
  k <- rpois(1, level[a] * (1 + 0.4 * sin(t / 4 + a)) * exposure[t])
  count[a, t] <- k
  harm[a, t] <- if (k > 0) sum(sample(0:3, k, replace = TRUE)) else 0
}
# Window [from, to) in 0-based periods, clipped to 0..nP-1: the 1-based indices.
win <- function(from, to) { s <- max(0, from):(min(to, nP) - 1); if (min(to, nP) - 1 < max(0, from)) integer(0) else s + 1 }
scaled <- function(v, idx) {           # window sum as a rate per covered time scaled to the window
  if (length(idx) == 0) return(list(value = 0, share = 1))
  E <- sum(exposure[idx]); n <- length(idx)
  list(value = if (E == n) sum(v[idx]) else if (E > 0) sum(v[idx]) * n / E else NA, share = E / n)
}
factorsAt <- function(t) {             # t 0-based origin; rows areas, columns intensity, harm, trend, nearRepeat
  out <- matrix(NA_real_, nA, 4)
  ks <- c(); f <- 1; k <- 0
  while (t - 1 - k >= 0) { ks <- c(ks, k); if (f < 1e-6) break; k <- k + 1; f <- f * 0.5^(1 / H) }
  w <- 0.5^(ks / H); s <- t - ks       # 1-based period of weight k is t - k
  fs <- sum(w); fe <- sum(w * exposure[s])
  for (a in 1:nA) {
    ew <- sum(w * count[a, s])
    out[a, 1] <- if (fe > 0 || fs == 0) log1p(if (fe == fs || fe == 0) ew else ew * fs / fe) else NA
    h <- scaled(harm[a, ], win(t - W, t))
    out[a, 2] <- if (h$share >= minShare) log1p(h$value) else NA
    r <- scaled(count[a, ], win(t - Tw, t)); b <- scaled(count[a, ], win(t - 2 * Tw, t - Tw))
    out[a, 3] <- if (min(r$share, b$share) >= minShare) log((1 + r$value) / (1 + b$value)) else NA
    nb <- colSums(count[neighbours[[a]] + 1, , drop = FALSE])
    n <- scaled(nb, win(t - N, t))
    out[a, 4] <- if (n$share >= minShare) log1p(n$value) else NA
  }
  out
}
first <- max(W, 2 * Tw, N, 1)
origins <- (first:(nP - 1))[exposure[(first:(nP - 1)) + 1] > 0]
X <- do.call(rbind, lapply(origins, factorsAt))
y <- unlist(lapply(origins, function(t) count[, t + 1]))
off <- unlist(lapply(origins, function(t) rep(log(exposure[t + 1]), nA)))
m <- apply(X, 2, function(v) mean(v, na.rm = TRUE))
s <- sapply(1:4, function(j) { v <- X[!is.na(X[, j]), j]; sqrt(mean((v - m[j])^2)) })
Z <- sweep(sweep(X, 2, m), 2, s, "/"); Z[is.na(Z)] <- 0
g <- glm(y ~ Z, offset = off, family = poisson, control = glm.control(epsilon = 1e-14, maxit = 100))
lambdas <- c(1, 0.1, 0.01)
fit <- glmnet(Z, y, family = "poisson", offset = off, alpha = 0, lambda = lambdas, standardize = FALSE, thresh = 1e-15, maxit = 1e7)
co <- as.matrix(coef(fit))
cat(toJSON(list(
  generator = "scripts/reference/risk-exposure.R",
  software = paste("R", getRversion(), "glmnet", packageVersion("glmnet")),
  nAreas = nA, nPeriods = nP, windows = list(halfLifePeriods = H, harmPeriods = W, trendPeriods = Tw, nearRepeatPeriods = N),
  exposure = exposure, neighbours = neighbours,
  count = lapply(1:nA, function(a) count[a, ]), harm = lapply(1:nA, function(a) harm[a, ]),
  origins = origins, rows = nrow(X), unknown = colSums(is.na(X)),
  x = as.vector(t(X)), means = unname(m), sds = unname(s),
  glm = list(intercept = unname(coef(g)[1]), coefficients = unname(coef(g)[-1])),
  ridge = lapply(seq_along(lambdas), function(k) list(lambda = lambdas[k], intercept = unname(co[1, k]), coefficients = unname(co[-1, k])))
), digits = NA, auto_unbox = TRUE, na = "null"))
