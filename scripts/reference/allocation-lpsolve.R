#!/usr/bin/env Rscript
# Reference optimum of the constrained maximal covering problem as an integer programme
# (Church and ReVelle 1974), solved by R lpSolve on the instances of allocation-brute-force.json.
#   max sum_j w_j y_j  s.t.  y_j <= sum_{i covers j} x_i,  sum_i x_i = K,  x binary, 0 <= y_j <= 1
#   x_i = 1 for mandatory sites, x_i = 0 for excluded sites, sum_{i in d} x_i >= min_d.
# Run: Rscript scripts/reference/allocation-lpsolve.R > packages/engine/test/fixtures/reference/allocation-lpsolve.json
suppressPackageStartupMessages({ library(lpSolve); library(jsonlite) })
ref <- fromJSON("packages/engine/test/fixtures/reference/allocation-brute-force.json", simplifyVector = FALSE)
out <- lapply(ref$instances, function(inst) {
  n <- length(inst$sites); m <- length(inst$demand)
  w <- sapply(inst$demand, function(d) d$weight)
  ids <- sapply(inst$sites, function(s) s$id)
  dist <- sapply(inst$sites, function(s) s$district)
  obj <- c(rep(0, n), w)
  rows <- list(); dir <- c(); rhs <- c()
  add <- function(row, d, r) { rows[[length(rows) + 1]] <<- row; dir <<- c(dir, d); rhs <<- c(rhs, r) }
  for (j in seq_len(m)) {
    row <- rep(0, n + m); row[n + j] <- 1
    for (i in seq_len(n)) if ((j - 1) %in% unlist(inst$covers[[i]])) row[i] <- -1
    add(row, "<=", 0)
  }
  for (j in seq_len(m)) { row <- rep(0, n + m); row[n + j] <- 1; add(row, "<=", 1) }
  add(c(rep(1, n), rep(0, m)), "=", inst$units)
  for (id in unlist(inst$mandatorySiteIds)) { row <- rep(0, n + m); row[match(id, ids)] <- 1; add(row, "=", 1) }
  for (id in unlist(inst$excludedSiteIds)) { row <- rep(0, n + m); row[match(id, ids)] <- 1; add(row, "=", 0) }
  mins <- inst$minUnitsPerDistrict
  for (d in names(mins)) { row <- c(as.numeric(dist == d), rep(0, m)); add(row, ">=", mins[[d]]) }
  A <- do.call(rbind, rows)
  sol <- lp("max", obj, A, dir, rhs, int.vec = seq_len(n))
  list(seed = inst$seed, status = sol$status, optimum = sol$objval, sites = ids[sol$solution[1:n] > 0.5])
})
cat(toJSON(list(generator = paste("scripts/reference/allocation-lpsolve.R, lpSolve", packageVersion("lpSolve")), instances = out), auto_unbox = TRUE, digits = NA, pretty = TRUE))
