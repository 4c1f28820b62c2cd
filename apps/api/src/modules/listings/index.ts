import './clinics.js';
import './locations.js';
import './team.js';
import './reports.js';
import './history.js';
import './platform.js';
