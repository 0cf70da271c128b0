# Reference for the area risk index fitted on real data: the training design of UCDP GED
# Balochistan districts (half-years, written by scripts/reference/risk-ucdp-design.ts through the
# same code path as `baseerat risk`) standardised here with the 1/n standard deviation, then
# ridge Poisson by glmnet (alpha = 0, standardize = FALSE) at the penalties the index tries, and
# the unpenalised fit by glm.
# Run: Rscript scripts/reference/risk-ridge-poisson-ucdp.R > packages/server/test/fixtures/reference/risk-ridge-poisson-ucdp.json
suppressPackageStartupMessages({ library(glmnet); library(jsonlite) })
d <- fromJSON("packages/server/test/fixtures/reference/risk-ucdp-design.json")
x <- matrix(d$x, nrow = d$n, ncol = d$p, byrow = TRUE)
colnames(x) <- d$factors
m <- colMeans(x)
s <- sqrt(colMeans(sweep(x, 2, m)^2))
z <- sweep(sweep(x, 2, m), 2, s, "/")
lambdas <- c(1, 0.1, 0.01, 0.001)
fit <- glmnet(z, d$y, family = "poisson", alpha = 0, lambda = lambdas, standardize = FALSE, thresh = 1e-15, maxit = 1e7)
co <- as.matrix(coef(fit))
g <- glm(d$y ~ z, family = poisson, control = glm.control(epsilon = 1e-14, maxit = 100))
cat(toJSON(list(
  generator = "scripts/reference/risk-ridge-poisson-ucdp.R",
  software = paste("R", getRversion(), "glmnet", packageVersion("glmnet")),
  factors = d$factors, means = unname(m), sds = unname(s),
  ridge = lapply(seq_along(lambdas), function(k) list(lambda = lambdas[k], intercept = unname(co[1, k]), coefficients = unname(co[-1, k]))),
  glm = list(intercept = unname(coef(g)[1]), coefficients = unname(coef(g)[-1]), deviance = deviance(g))
), digits = NA, auto_unbox = TRUE))
