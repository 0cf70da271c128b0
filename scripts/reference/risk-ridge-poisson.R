# Reference values for packages/engine/src/risk/ridge-poisson-regression.ts.
# Ridge Poisson (glmnet, alpha = 0, standardize = FALSE, with an offset) at several penalties, and
# the unpenalised fit by glm, on simulated standardised factors (n = 600, p = 5, one near-null
# factor, two correlated) and a sparse-count case like the Balochistan panel (mean count 0.15).
# Run: Rscript scripts/reference/risk-ridge-poisson.R > packages/engine/test/fixtures/reference/risk-ridge-poisson.json
suppressPackageStartupMessages({ library(glmnet); library(jsonlite) })
set.seed(20261127)
make_case <- function(name, n, p, b0, beta, offset_sd) {
  x <- matrix(rnorm(n * p), n, p)
  x[, 2] <- 0.7 * x[, 1] + sqrt(1 - 0.49) * x[, 2]
  x <- scale(x) * sqrt(n / (n - 1))  # standardised with the 1/n variance, as the risk index does
  attributes(x)[c("scaled:center", "scaled:scale")] <- NULL
  off <- rnorm(n, 0, offset_sd)
  y <- rpois(n, exp(off + b0 + x %*% beta))
  lambdas <- c(1, 0.1, 0.01, 0.001)
  fit <- glmnet(x, y, family = "poisson", alpha = 0, lambda = lambdas, standardize = FALSE,
                offset = off, thresh = 1e-15, maxit = 1e7)
  co <- as.matrix(coef(fit))
  g <- glm(y ~ x, family = poisson, offset = off, control = glm.control(epsilon = 1e-14, maxit = 100))
  list(name = name, n = n, p = p, x = as.vector(t(x)), y = as.vector(y), offset = off,
       ridge = lapply(seq_along(lambdas), function(k) list(lambda = lambdas[k], intercept = unname(co[1, k]), coefficients = unname(co[-1, k]))),
       glm = list(intercept = unname(coef(g)[1]), coefficients = unname(coef(g)[-1]), deviance = deviance(g)))
}
cases <- list(
  make_case("moderate counts", 600, 5, 0.2, c(0.5, -0.3, 0.0, 0.2, 0.05), 0.5),
  make_case("sparse counts", 1500, 4, -2.2, c(0.9, 0.3, -0.2, 0.0), 0.3)
)
cat(toJSON(list(generator = "scripts/reference/risk-ridge-poisson.R",
                software = paste("R", getRversion(), "glmnet", packageVersion("glmnet")),
                objective = "-(1/n) sum(y*eta - exp(eta)) + lambda/2 * sum(beta^2), intercept unpenalised",
                cases = cases), digits = NA, auto_unbox = TRUE))
