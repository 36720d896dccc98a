"""Commands: the functions behind the invoke tasks (check, build, publish, serve, ...)."""
