"""The site map: one citizen-like walk of a site, read by every check family."""
