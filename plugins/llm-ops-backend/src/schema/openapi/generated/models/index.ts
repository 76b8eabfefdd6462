//

export * from '../models/DeletedEnvelope.model';
export * from '../models/DeletedEnvelopeData.model';
export * from '../models/ErrorEnvelope.model';
export * from '../models/ErrorEnvelopeData.model';
export * from '../models/ErrorEnvelopeDataError.model';
export * from '../models/Experiment.model';
export * from '../models/ExperimentCreate.model';
export * from '../models/ExperimentEnvelope.model';
export * from '../models/ExperimentList.model';
export * from '../models/ExperimentListEnvelope.model';
export * from '../models/ExperimentUpdate.model';
export * from '../models/Freshness.model';
export * from '../models/FreshnessDegradedIntegrationsInner.model';
export * from '../models/Health.model';
export * from '../models/HealthCache.model';
export * from '../models/HealthDatabase.model';
export * from '../models/HealthEnvelope.model';
export * from '../models/Lifecycle.model';
export * from '../models/Source.model';
