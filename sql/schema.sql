-- The tick system's own tables, exactly as an existing tick database has
-- them. Everything tick adds comes in the numbered migrations beside this.
CREATE TABLE IF NOT EXISTS tickets (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(30) NOT NULL,
  email VARCHAR(100) NULL,
  mobile VARCHAR(15) NULL,
  description TEXT NOT NULL,
  issue_type VARCHAR(50) NULL,
  issue_type_other VARCHAR(100) NULL,
  issue_title VARCHAR(150) NULL,
  attachment_name VARCHAR(255) NULL,
  attachment_type VARCHAR(100) NULL,
  attachment LONGBLOB NULL,
  status ENUM('new','in_progress','closed') NOT NULL DEFAULT 'new',
  whatsapp_enabled TINYINT(1) NOT NULL DEFAULT 0,
  whatsapp_notifications TINYINT(1) NOT NULL DEFAULT 0,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS replies (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  ticket_id INT UNSIGNED NOT NULL,
  message TEXT NOT NULL,
  replied_by VARCHAR(100) NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_replies_ticket (ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
