"""Graph stage: extraction records → rdflib graph over the ontology. The only stage that mints IRIs."""
