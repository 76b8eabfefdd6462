# shellcheck shell=bash
# Loopback ports of the services that the project's scripts start for tests.
# Overridable so two checkouts can run side by side.
LLM_OPS_PG_PORT="${LLM_OPS_PG_PORT:-55432}"
LLM_OPS_REDIS_PORT="${LLM_OPS_REDIS_PORT:-56379}"
LLM_OPS_MLFLOW_PORT="${LLM_OPS_MLFLOW_PORT:-55000}"
LLM_OPS_ETCD_PORT="${LLM_OPS_ETCD_PORT:-52379}"
LLM_OPS_KUBE_PORT="${LLM_OPS_KUBE_PORT:-56443}"
