"""Revenue-cycle billing analytics: the code behind every step of the pipeline."""
