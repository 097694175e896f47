"""The camera pipeline: what each camera role does with analysed frames — people counted at zone cameras (faces at
entrances and plates at the gate follow) — and where the results go (the domains' services in this process, or the
API from an edge worker)."""
