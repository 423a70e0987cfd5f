# Reference numbers for revmark's meta-analysis engine, computed with metafor.
#
# Run from the repository root:
#
#     Rscript tests/reference/make_reference.R
#
# It reads tests/reference/data/*.csv and (re)writes tests/reference/metafor.json.
# The output is deterministic (every number printed with %.17g), so a rerun
# reproduces the file byte for byte. The Rust tests (tests/it/reference.rs) read
# only the JSON: they never need R. Written against R 4.2 / metafor 3.8-1
# (Debian r-cran-metafor).
#
# The calls follow shared/spec/statistics.md (last table) and conventions.md §1.6:
# - OR/RR study effects: escalc(add = 1/2, to = "only0", drop00 = TRUE): tables
#   with no events (a = c = 0) or only events (b = d = 0) in both arms are not
#   estimable (statistics.md row 3), which is what metafor's drop00 does.
# - MH OR/RR: rma.mh(add = c(1/2, 1/2), to = c("only0", "only0"),
#   drop00 = c(TRUE, TRUE)); MH weights (OR b*c/N, RR c*n1/N) by hand on the
#   corrected tables of the estimable rows.
# - MH RD (statistics.md row 4): weights K = n1*n2/N and the pooled RD from the
#   counts as entered; Greenland-Robins variance sum(J)/sum(K)^2 with J from the
#   0.5-corrected cells of a table with a zero cell; its Q and the DL tau2 from
#   the MH-centred Q: by hand.
# - SMD: RevMan's Hedges' adjusted g by hand (statistics.md row 8).
# - Random effects: tau2 from rma(method = "DL"/"REML"/"PM") (or DL by hand from
#   the MH Q), then rma(yi, vi, tau2 = tau2, test = "z" or "knha").
#   REML and PM are run with tight tolerances (metafor's defaults stop at 1e-5).
# - Prediction interval by hand: mu +- qt(0.975, k - 2) * sqrt(tau2 + se^2),
#   with se the reported SE (the HKSJ SE under HKSJ).
# - Peto: escalc("PETO", add = 0, to = "none") and rma.peto().
# - Subgroup differences: rma(subgroup estimates, sei = SEs, method = "FE")$QE.

suppressPackageStartupMessages(library(metafor))

read_data <- function(file) read.csv(file.path("tests/reference/data", file))

num <- function(x) {
  if (length(x) == 0 || is.null(x) || is.na(x)) "null" else sprintf("%.17g", x)
}
vec <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ", "), "]")
obj <- function(...) {
  fields <- list(...)
  paste0("{", paste(sprintf("\"%s\": %s", names(fields), unlist(fields)), collapse = ", "), "}")
}
str <- function(s) sprintf("\"%s\"", s)

## ---------------------------------------------------------------- data sets

bcg <- read_data("colditz1994-bcg.csv")
collins <- read_data("collins1985b-diuretics-pregnancy.csv")
normand <- read_data("normand1999-stroke.csv")

dich <- function(ai, n1i, ci, n2i) list(type = "dichotomous", ai = ai, n1i = n1i, ci = ci, n2i = n2i)
# The example review reviews/diuretics-pregnancy: pre-eclampsia in two subgroups (women selected
# for oedema first, as its CSV files list them), and the deaths, leaving out trials that did
# not report them.
oedema_first <- collins[c(which(collins$oedema == 1), which(collins$oedema == 0)), ]
reported <- function(x) collins[!is.na(collins[[x]]), ]
datasets <- list(
  bcg = dich(bcg$tpos, bcg$tpos + bcg$tneg, bcg$cpos, bcg$cpos + bcg$cneg),
  diuretics = dich(collins$pre.xti, collins$pre.nti, collins$pre.xci, collins$pre.nci),
  zero_cell = dich(c(0, 3, 10, 2, 7), c(20, 30, 50, 25, 40), c(5, 8, 15, 6, 9), c(20, 31, 50, 24, 41)),
  double_zero = dich(c(0, 3, 10, 1, 0), c(15, 30, 50, 25, 12), c(0, 8, 15, 4, 0), c(16, 31, 50, 24, 11)),
  all_events = dich(c(12, 3, 10, 20), c(12, 30, 50, 25), c(10, 8, 15, 19), c(10, 31, 50, 24)),
  single = dich(15, 100, 25, 100),
  none_estimable = dich(c(0, 0), c(10, 12), c(0, 0), c(10, 11)),
  normand = list(type = "continuous", m1i = normand$m1i, sd1i = normand$sd1i, n1i = normand$n1i,
                 m2i = normand$m2i, sd2i = normand$sd2i, n2i = normand$n2i),
  bcg_generic = local({
    e <- escalc("RR", ai = bcg$tpos, bi = bcg$tneg, ci = bcg$cpos, di = bcg$cneg)
    list(type = "generic", yi = as.numeric(e$yi), sei = sqrt(as.numeric(e$vi)))
  }),
  identical = list(type = "generic", yi = rep(0.3, 4), sei = c(0.1, 0.2, 0.15, 0.3)),
  # Antimicrobial drugs for treating cholera (Leibovici-Weissman et al., CDSR 2014, Issue 6,
  # CD008625), analysis 14.3, bacteriological failure, TMP-SMX versus erythromycin: Burans
  # 1989 (0/17 vs 0/18) and Kabir 1996 (3/18 vs 3/15). Review Manager stored RD -0.0161142
  # (-0.1567 to 0.1245) with weights 51.66 and 48.34.
  cholera_bacteriological_failure = dich(c(0, 3), c(17, 18), c(0, 3), c(18, 15)),
  example_pre_eclampsia = with(oedema_first, dich(pre.xti, pre.nti, pre.xci, pre.nci)),
  example_perinatal_death = with(reported("ped.xti"), dich(ped.xti, fup.nti, ped.xci, fup.nci)),
  example_stillbirth = with(reported("stb.xti"), dich(stb.xti, fup.nti, stb.xci, fup.nci)),
  example_neonatal_death = with(reported("ned.xti"), dich(ned.xti, fup.nti, ned.xci, fup.nci))
)
bcg_alloc <- bcg$alloc

## ---------------------------------------------------------------- study effects

corrected <- function(d) {
  zero <- d$ai == 0 | d$n1i - d$ai == 0 | d$ci == 0 | d$n2i - d$ci == 0
  add <- ifelse(zero, 0.5, 0)
  list(a = d$ai + add, b = d$n1i - d$ai + add, c = d$ci + add, d = d$n2i - d$ci + add)
}

# yi, vi per row (NA = not estimable) for a measure and method.
study_effects <- function(d, measure, method) {
  if (d$type == "generic") return(list(yi = d$yi, vi = d$sei^2))
  if (d$type == "continuous") {
    if (measure == "MD") {
      e <- escalc("MD", m1i = d$m1i, sd1i = d$sd1i, n1i = d$n1i, m2i = d$m2i, sd2i = d$sd2i, n2i = d$n2i)
      return(list(yi = as.numeric(e$yi), vi = as.numeric(e$vi)))
    }
    n <- d$n1i + d$n2i
    s <- sqrt(((d$n1i - 1) * d$sd1i^2 + (d$n2i - 1) * d$sd2i^2) / (n - 2))
    g <- (1 - 3 / (4 * n - 9)) * (d$m1i - d$m2i) / s
    return(list(yi = g, vi = n / (d$n1i * d$n2i) + g^2 / (2 * (n - 3.94))))
  }
  if (method == "Peto") {
    e <- escalc("PETO", ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i, add = 0, to = "none")
    yi <- as.numeric(e$yi); vi <- as.numeric(e$vi)
    bad <- !is.finite(yi) | !is.finite(vi)
    yi[bad] <- NA; vi[bad] <- NA
    return(list(yi = yi, vi = vi))
  }
  if (measure == "RD") {
    t <- corrected(d)
    n1 <- t$a + t$b; n2 <- t$c + t$d
    return(list(yi = d$ai / d$n1i - d$ci / d$n2i, vi = t$a * t$b / n1^3 + t$c * t$d / n2^3))
  }
  e <- escalc(measure, ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i, add = 1/2, to = "only0", drop00 = TRUE)
  list(yi = as.numeric(e$yi), vi = as.numeric(e$vi))
}

## ---------------------------------------------------------------- fixed-effect parts

# Mantel-Haenszel: pooled y, se and Q (centred on the MH estimate), display weights.
mantel_haenszel <- function(d, measure, yi, vi) {
  keep <- !is.na(yi)
  t <- corrected(d)
  n1 <- t$a + t$b; n2 <- t$c + t$d; n <- n1 + n2
  if (measure == "RD") {
    w <- as.numeric(d$n1i) * d$n2i / (d$n1i + d$n2i)
    y <- sum((w * yi)[keep]) / sum(w[keep])
    j <- (t$a * t$b * n2^3 + t$c * t$d * n1^3) / (n1 * n2 * n^2)
    se <- sqrt(sum(j[keep])) / sum(w[keep])
    return(list(y = y, se = se, z = y / se, p = 2 * pnorm(-abs(y / se)),
                ci = y + c(-1, 1) * qnorm(0.975) * se, q = sum(((yi - y)^2 / vi)[keep]),
                w = ifelse(keep, w, 0)))
  }
  fit <- rma.mh(ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i,
                measure = measure, add = c(1/2, 1/2), to = c("only0", "only0"), drop00 = c(TRUE, TRUE))
  w <- if (measure == "OR") t$b * t$c / n else t$c * n1 / n
  list(y = as.numeric(fit$beta), se = fit$se, z = fit$zval, p = fit$pval, ci = c(fit$ci.lb, fit$ci.ub),
       q = fit$QE, w = ifelse(keep, w, 0))
}

inverse_variance_fixed <- function(yi, vi) {
  keep <- !is.na(yi)
  fit <- rma(yi[keep], vi[keep], method = "FE")
  list(y = as.numeric(fit$beta), se = fit$se, z = fit$zval, p = fit$pval, ci = c(fit$ci.lb, fit$ci.ub),
       q = fit$QE, w = ifelse(keep, 1 / vi, 0))
}

peto_fixed <- function(d, yi, vi) {
  keep <- !is.na(yi)
  fit <- rma.peto(ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i)
  list(y = as.numeric(fit$beta), se = fit$se, z = fit$zval, p = fit$pval, ci = c(fit$ci.lb, fit$ci.ub),
       q = fit$QE, w = ifelse(keep, 1 / vi, 0))
}

## ---------------------------------------------------------------- one analysis

analyse <- function(d, measure, method, model, tau2_method = "DL", hksj = FALSE) {
  eff <- study_effects(d, measure, method)
  yi <- eff$yi; vi <- eff$vi
  keep <- !is.na(yi)
  k <- sum(keep)
  rows <- list(y = yi, se = sqrt(vi), weight = rep(0, length(yi)))
  if (k == 0) {
    return(list(k = 0, rows = rows, pooled = NULL, het = NULL, prediction = NULL))
  }
  fixed <- if (method == "MH") mantel_haenszel(d, measure, yi, vi)
           else if (method == "Peto") peto_fixed(d, yi, vi)
           else inverse_variance_fixed(yi, vi)
  pooled <- fixed
  tau2 <- NA
  prediction <- NULL
  weights <- fixed$w
  if (model == "random") {
    w <- 1 / vi[keep]
    tau2 <- if (k == 1) 0
            else if (tau2_method == "DL") max(0, (fixed$q - (k - 1)) / (sum(w) - sum(w^2) / sum(w)))
            else rma(yi[keep], vi[keep], method = tau2_method,
                     control = list(threshold = 1e-11, tol = 1e-13, maxiter = 10000))$tau2
    fit <- rma(yi[keep], vi[keep], tau2 = tau2, test = if (hksj && k > 1) "knha" else "z")
    pooled <- list(y = as.numeric(fit$beta), se = fit$se, z = fit$zval, p = fit$pval,
                   ci = c(fit$ci.lb, fit$ci.ub))
    weights <- ifelse(keep, 1 / (vi + tau2), 0)
    if (k >= 3) {
      half <- qt(0.975, k - 2) * sqrt(tau2 + pooled$se^2)
      prediction <- pooled$y + c(-1, 1) * half
    }
  }
  weights[is.na(weights)] <- 0
  rows$weight <- 100 * weights / sum(weights)
  df <- k - 1
  q <- if (k == 1) 0 else fixed$q
  het <- list(q = q, df = df, p = if (df > 0) pchisq(q, df, lower.tail = FALSE) else NA,
              i2 = if (df > 0) (if (q > 0) max(0, (q - df) / q) * 100 else 0) else NA, tau2 = tau2)
  list(k = k, rows = rows, pooled = pooled, het = het, prediction = prediction)
}

## ---------------------------------------------------------------- JSON output

result_json <- function(r) {
  pooled <- if (is.null(r$pooled)) "null" else with(r$pooled, obj(
    y = num(y), se = num(se), ci_low = num(ci[1]), ci_high = num(ci[2]), z = num(z), p = num(p)))
  het <- if (is.null(r$het)) "null" else with(r$het, obj(
    q = num(q), df = num(df), p = num(p), i2 = num(i2), tau2 = num(tau2)))
  obj(estimable = num(r$k),
      y = vec(r$rows$y), se = vec(r$rows$se), weight = vec(r$rows$weight),
      pooled = pooled, heterogeneity = het,
      prediction = if (is.null(r$prediction)) "null" else vec(r$prediction))
}

settings_json <- function(measure, method, model, tau2_method, hksj) {
  obj(measure = str(measure), method = str(method), model = str(model), tau2 = str(tau2_method),
      hksj = if (hksj) "true" else "false")
}

case <- function(name, data, measure, method, model, tau2_method = "DL", hksj = FALSE) {
  r <- analyse(datasets[[data]], measure, method, model, tau2_method, hksj)
  paste0("    ", obj(name = str(name), data = str(data),
                     settings = settings_json(measure, method, model, tau2_method, hksj),
                     expected = result_json(r)))
}

subset_data <- function(d, keep) {
  out <- d
  for (f in setdiff(names(d), "type")) out[[f]] <- d[[f]][keep]
  out
}

subgroup_case <- function(name, data, groups, measure, method, model, tau2_method = "DL", hksj = FALSE) {
  d <- datasets[[data]]
  levels <- unique(groups)
  fits <- lapply(levels, function(g) analyse(subset_data(d, groups == g), measure, method, model, tau2_method, hksj))
  overall <- analyse(d, measure, method, model, tau2_method, hksj)
  est <- vapply(fits, function(f) f$pooled$y, 0)
  sei <- vapply(fits, function(f) f$pooled$se, 0)
  diff <- rma(est, sei = sei, method = "FE")
  df <- length(est) - 1
  differences <- obj(q = num(diff$QE), df = num(df), p = num(pchisq(diff$QE, df, lower.tail = FALSE)),
                     i2 = num(max(0, (diff$QE - df) / diff$QE) * 100))
  group_index <- match(groups, levels) - 1
  paste0("    ", obj(name = str(name), data = str(data), groups = vec(group_index),
                     settings = settings_json(measure, method, model, tau2_method, hksj),
                     expected = obj(subgroups = paste0("[", paste(vapply(fits, result_json, ""), collapse = ", "), "]"),
                                    overall = result_json(overall), differences = differences)))
}

dataset_json <- function(name, d) {
  fields <- setdiff(names(d), "type")
  paste0("    ", str(name), ": ", obj(type = str(d$type), columns = paste0("{", paste(
    sprintf("\"%s\": %s", fields, vapply(fields, function(f) vec(d[[f]]), "")), collapse = ", "), "}")))
}

cases <- c(
  # BCG: RR, OR, RD by MH and IV, fixed and random (DL, REML, PM), HKSJ, prediction
  case("bcg_rr_mh_fixed", "bcg", "RR", "MH", "fixed"),
  case("bcg_rr_mh_random_dl", "bcg", "RR", "MH", "random", "DL"),
  case("bcg_rr_mh_random_reml", "bcg", "RR", "MH", "random", "REML"),
  case("bcg_rr_iv_fixed", "bcg", "RR", "IV", "fixed"),
  case("bcg_rr_iv_random_dl", "bcg", "RR", "IV", "random", "DL"),
  case("bcg_rr_iv_random_reml", "bcg", "RR", "IV", "random", "REML"),
  case("bcg_rr_iv_random_pm", "bcg", "RR", "IV", "random", "PM"),
  case("bcg_rr_iv_random_dl_hksj", "bcg", "RR", "IV", "random", "DL", TRUE),
  case("bcg_rr_iv_random_reml_hksj", "bcg", "RR", "IV", "random", "REML", TRUE),
  case("bcg_rr_iv_random_pm_hksj", "bcg", "RR", "IV", "random", "PM", TRUE),
  case("bcg_or_mh_fixed", "bcg", "OR", "MH", "fixed"),
  case("bcg_or_mh_random_dl", "bcg", "OR", "MH", "random", "DL"),
  case("bcg_or_iv_fixed", "bcg", "OR", "IV", "fixed"),
  case("bcg_or_iv_random_reml", "bcg", "OR", "IV", "random", "REML"),
  case("bcg_rd_mh_fixed", "bcg", "RD", "MH", "fixed"),
  case("bcg_rd_mh_random_dl", "bcg", "RD", "MH", "random", "DL"),
  case("bcg_rd_iv_fixed", "bcg", "RD", "IV", "fixed"),
  case("bcg_rd_iv_random_pm", "bcg", "RD", "IV", "random", "PM"),
  case("bcg_generic_ratio_iv_random_dl", "bcg_generic", "GenericRatio", "IV", "random", "DL"),
  # Diuretics in pregnancy, pre-eclampsia: Peto OR and MH OR
  case("diuretics_peto_fixed", "diuretics", "OR", "Peto", "fixed"),
  case("diuretics_or_mh_fixed", "diuretics", "OR", "MH", "fixed"),
  case("diuretics_or_mh_random_dl", "diuretics", "OR", "MH", "random", "DL"),
  # Normand 1999 (length of stay): MD and RevMan's SMD
  case("normand_md_iv_fixed", "normand", "MD", "IV", "fixed"),
  case("normand_md_iv_random_dl", "normand", "MD", "IV", "random", "DL"),
  case("normand_md_iv_random_reml_hksj", "normand", "MD", "IV", "random", "REML", TRUE),
  case("normand_smd_iv_fixed", "normand", "SMD", "IV", "fixed"),
  case("normand_smd_iv_random_dl", "normand", "SMD", "IV", "random", "DL"),
  case("normand_smd_iv_random_pm", "normand", "SMD", "IV", "random", "PM"),
  # Edge cases
  case("zero_cell_rr_mh_fixed", "zero_cell", "RR", "MH", "fixed"),
  case("zero_cell_or_mh_fixed", "zero_cell", "OR", "MH", "fixed"),
  case("zero_cell_or_mh_random_dl", "zero_cell", "OR", "MH", "random", "DL"),
  case("zero_cell_rr_iv_random_dl", "zero_cell", "RR", "IV", "random", "DL"),
  case("zero_cell_rd_mh_fixed", "zero_cell", "RD", "MH", "fixed"),
  case("zero_cell_peto_fixed", "zero_cell", "OR", "Peto", "fixed"),
  case("double_zero_rr_mh_fixed", "double_zero", "RR", "MH", "fixed"),
  case("double_zero_or_iv_fixed", "double_zero", "OR", "IV", "fixed"),
  case("double_zero_rd_mh_fixed", "double_zero", "RD", "MH", "fixed"),
  case("double_zero_rd_iv_random_dl", "double_zero", "RD", "IV", "random", "DL"),
  case("double_zero_peto_fixed", "double_zero", "OR", "Peto", "fixed"),
  case("all_events_rr_mh_fixed", "all_events", "RR", "MH", "fixed"),
  case("all_events_or_mh_fixed", "all_events", "OR", "MH", "fixed"),
  case("all_events_rd_mh_fixed", "all_events", "RD", "MH", "fixed"),
  case("all_events_rr_iv_fixed", "all_events", "RR", "IV", "fixed"),
  case("all_events_or_iv_random_dl", "all_events", "OR", "IV", "random", "DL"),
  case("all_events_or_mh_random_dl", "all_events", "OR", "MH", "random", "DL"),
  case("all_events_peto_fixed", "all_events", "OR", "Peto", "fixed"),
  case("all_events_rd_mh_random_dl", "all_events", "RD", "MH", "random", "DL"),
  case("zero_cell_rd_mh_random_dl", "zero_cell", "RD", "MH", "random", "DL"),
  case("double_zero_rd_mh_random_dl", "double_zero", "RD", "MH", "random", "DL"),
  case("cholera_bacteriological_failure_rd_mh_fixed", "cholera_bacteriological_failure", "RD", "MH", "fixed"),
  case("single_rr_mh_fixed", "single", "RR", "MH", "fixed"),
  case("single_rr_iv_random_dl", "single", "RR", "IV", "random", "DL"),
  case("identical_generic_fixed", "identical", "GenericDifference", "IV", "fixed"),
  case("identical_generic_random_dl", "identical", "GenericDifference", "IV", "random", "DL"),
  case("identical_generic_random_reml", "identical", "GenericDifference", "IV", "random", "REML"),
  case("identical_generic_random_pm", "identical", "GenericDifference", "IV", "random", "PM"),
  case("none_estimable_rr_mh_fixed", "none_estimable", "RR", "MH", "fixed"),
  # The example review's analyses 1.2 to 1.4, as analyses.yaml sets them
  case("example_perinatal_death", "example_perinatal_death", "OR", "Peto", "fixed"),
  case("example_stillbirth", "example_stillbirth", "OR", "MH", "fixed"),
  case("example_neonatal_death", "example_neonatal_death", "RR", "MH", "fixed")
)

subgroup_cases <- c(
  subgroup_case("bcg_alloc_rr_iv_fixed", "bcg", bcg_alloc, "RR", "IV", "fixed"),
  subgroup_case("bcg_alloc_rr_iv_random_dl", "bcg", bcg_alloc, "RR", "IV", "random", "DL"),
  subgroup_case("bcg_alloc_rr_mh_random_dl", "bcg", bcg_alloc, "RR", "MH", "random", "DL"),
  subgroup_case("bcg_alloc_or_mh_fixed", "bcg", bcg_alloc, "OR", "MH", "fixed"),
  # The example review's analysis 1.1
  subgroup_case("example_pre_eclampsia", "example_pre_eclampsia", 1 - oedema_first$oedema, "RR", "MH", "random", "DL")
)

json <- paste0(
  "{\n",
  "  \"generated_by\": \"Rscript tests/reference/make_reference.R (metafor ", packageVersion("metafor"), ")\",\n",
  "  \"datasets\": {\n", paste(mapply(dataset_json, names(datasets), datasets), collapse = ",\n"), "\n  },\n",
  "  \"cases\": [\n", paste(cases, collapse = ",\n"), "\n  ],\n",
  "  \"subgroup_cases\": [\n", paste(subgroup_cases, collapse = ",\n"), "\n  ]\n",
  "}\n")
writeLines(json, "tests/reference/metafor.json", sep = "")
