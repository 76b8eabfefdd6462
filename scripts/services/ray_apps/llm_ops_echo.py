"""A tiny Ray Serve application for the tests of the llm-ops Ray Serve adapter.

`scripts/services/ray.sh` starts Ray with this folder on PYTHONPATH, so an application config can
name it as `import_path: llm_ops_echo:build`. Ray Serve calls `build` with the application's
`args` (the adapter passes the model version's storage URI, format and id) and serves the
deployment it returns. Every request to the application's route answers with a fixed JSON
document holding those args, so a test can see which model version an endpoint serves without
loading a model.

The deployment is named `Model`, the name the adapter gives its replica and CPU settings to.
"""

from typing import Any, Dict

from ray import serve
from starlette.requests import Request


@serve.deployment(name="Model", ray_actor_options={"num_cpus": 0.1})
class Model:
    def __init__(self, args: Dict[str, Any]):
        self._args = args

    async def __call__(self, request: Request) -> Dict[str, Any]:
        return {"app": "llm-ops-echo", "args": self._args}


def build(args: Dict[str, Any]):
    """The application builder that `import_path: llm_ops_echo:build` names."""
    return Model.bind(dict(args))
