import './reference.js';
import './clinic.js';
import './location.js';
import './search-schema.js';
import './places-schema.js';
