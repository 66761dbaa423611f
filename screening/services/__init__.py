"""Use cases. Each owns its transaction boundaries; views and jobs call these."""
