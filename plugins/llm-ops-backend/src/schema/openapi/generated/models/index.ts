//

export * from '../models/ErrorEnvelope.model';
export * from '../models/ErrorEnvelopeData.model';
export * from '../models/ErrorEnvelopeDataError.model';
export * from '../models/Health.model';
export * from '../models/HealthDatabase.model';
export * from '../models/HealthEnvelope.model';
