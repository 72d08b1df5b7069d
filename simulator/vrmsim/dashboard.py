"""The read-only dashboard at ``/`` and its data at ``/_sim/dashboard.json``."""


def data(engine):
    return {"site": engine.render(engine.get(engine.site_urn))}


def page():
    return "<!doctype html><title>vrmsim</title><p>vrmsim dashboard</p>"
