#include "wwwauthenticate.h"
