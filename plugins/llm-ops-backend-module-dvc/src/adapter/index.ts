export { DvcDataVersioningAdapter } from './DvcDataVersioningAdapter';
