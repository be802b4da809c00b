"""Package discovery (metadata lives in pyproject.toml).

Every package under symbolset/ ships, and so do converters/ and viewer/, as symbolset.converters
and symbolset.viewer (with their subpackages): discovery, not a hand-kept list, so a new
subpackage (symbolset.bench.metrics, symbolset.train, ...) is in every wheel without an edit here.
"""

from setuptools import find_packages, setup

MAPPED = {"symbolset.converters": "converters", "symbolset.viewer": "viewer"}

packages = find_packages(include=["symbolset", "symbolset.*"])
for name, folder in MAPPED.items():
    packages += [name + sub.removeprefix(folder) for sub in find_packages(include=[folder, folder + ".*"])]

setup(packages=packages, package_dir=MAPPED)
