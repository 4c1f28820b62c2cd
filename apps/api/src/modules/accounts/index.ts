import './schema.js';
